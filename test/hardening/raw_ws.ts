// A WebSocket client over a raw TCP socket, for frames a well-behaved library would never send.
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface RawWs {
  socket: Socket;
  /** Resolves when the server ends the connection, with the close code it sent (null when none). */
  closed: Promise<{ code: number | null; ms: number }>;
}

export async function rawUpgrade(port: number, token: string, origin: string): Promise<RawWs> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const t0 = Date.now();
  let buf = Buffer.alloc(0);
  let upgraded = false;
  let code: number | null = null;
  const closed = new Promise<{ code: number | null; ms: number }>((resolve) => socket.once('close', () => resolve({ code, ms: Date.now() - t0 })));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      socket.write(
        `GET /ws?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString();
        if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
        upgraded = true;
        buf = buf.subarray(end + 4);
        resolve();
      }
      // A close frame from the server: 0x88, length, then the 2-byte code.
      const i = buf.indexOf(0x88);
      if (upgraded && i >= 0 && buf.length >= i + 4) code = buf.readUInt16BE(i + 2);
    });
    socket.once('close', () => reject(new Error('closed before the upgrade')));
  });
  return { socket, closed };
}

/** One frame: first byte (FIN/RSV/opcode), payload, masked or not; `declaredLength` lies about the size when given. */
export function frame(first: number, payload: Buffer, opts: { mask?: boolean; declaredLength?: bigint } = {}): Buffer {
  const mask = opts.mask ?? true;
  const len = opts.declaredLength ?? BigInt(payload.length);
  let header: Buffer;
  if (len < 126n) header = Buffer.from([first, (mask ? 0x80 : 0) | Number(len)]);
  else if (len < 65536n) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (mask ? 0x80 : 0) | 126;
    header.writeUInt16BE(Number(len), 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (mask ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(len, 2);
  }
  if (!mask) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= key[i % 4];
  return Buffer.concat([header, key, body]);
}
