// Spaces tab: the embedding spaces of the open dataset (switch the active one), the encoders that
// make new ones (a job with progress and Cancel), and the condition selector for conditional heads.
import { useState } from 'react';
import type { JobEvent, LensApi, Session } from '../../../../shared/api';
import { newJobId } from '../../jobs';
import { ProgressBar } from '../../ui/ProgressBar';
import { useLens, useLensState } from '../../store/react';

type EncoderKind = 'baseline' | 'clip' | 'tfjs' | 'npy';

const ENCODER_TEXT: Record<EncoderKind, string> = {
  baseline: 'Built-in baseline (offline, trained on this dataset)',
  clip: 'CLIP / SigLIP from a local folder',
  tfjs: 'TensorFlow.js model folder',
  npy: 'Precomputed .npy / .safetensors pair',
};

export { spaceLabel } from './names';

export function SpacesPanel() {
  const store = useLens();
  const api = store.api;
  const session = useLensState((s) => s.session);
  const jobs = useLensState((s) => s.jobs);
  if (!session) return null;
  return <SpacesView session={session} jobs={jobs} onEncode={(enc, id) => api.spaces.encode({ jobId: id, encoder: enc })} onCancel={(jobId) => void api.jobs.cancel({ jobId })} onSetSpace={store.switchSpace} onNotice={store.notify} />;
}

interface Props {
  session: Session;
  jobs: Record<string, JobEvent>;
  onEncode: (encoder: string, jobId: string) => ReturnType<LensApi['spaces']['encode']>;
  onCancel: (jobId: string) => void;
  /** Switch the active space; `keepView` keeps the camera (condition switch). */
  onSetSpace: (spaceId: string, keepView?: boolean) => void;
  onNotice: (s: string) => void;
}

function SpacesView({ session, jobs, onEncode, onCancel, onSetSpace, onNotice }: Props) {
  const [kind, setKind] = useState<EncoderKind>('baseline');
  const [path, setPath] = useState('');
  const [path2, setPath2] = useState('');
  const [settings, setSettings] = useState('');
  const [jobId, setJobId] = useState<string | null>(null);
  const [encError, setEncError] = useState<string | null>(null);
  const [lastEncoded, setLastEncoded] = useState<string | null>(null);
  const byId = new Map(session.spaces.map((s) => [s.id, s]));
  const active = session.spaceId ? byId.get(session.spaceId) ?? null : null;

  // Conditional spaces grouped by parent (the unconditioned space they were trained on).
  const condSpaces = session.spaces.filter((s) => s.condition);
  const activeParent = active?.condition ? active.parent : active?.id ?? null;
  const siblings = condSpaces.filter((s) => s.parent === activeParent);
  const condGroup = siblings.length ? siblings : condSpaces;

  const spec = (): string | null => {
    if (kind === 'baseline') {
      // Optional settings in the CLI's spec syntax: 'textDropout=0.4' or 'textDropout=0.4,seed=3'.
      const extra = settings.trim().replace(/^baseline:/, '').replace(/\s+/g, '');
      return extra ? `baseline:${extra}` : 'baseline';
    }
    if (kind === 'npy') return path.trim() && path2.trim() ? `npy:${path.trim()},${path2.trim()}` : null;
    return path.trim() ? `${kind}:${path.trim()}` : null;
  };

  const encode = async () => {
    const enc = spec();
    if (!enc) {
      setEncError(kind === 'npy' ? 'Give both the image and the text file paths.' : 'Give the model folder path.');
      return;
    }
    const id = newJobId('encode');
    setJobId(id);
    setEncError(null);
    setLastEncoded(null);
    try {
      const r = await onEncode(enc, id);
      setLastEncoded(`${r.name} (${r.dims}-d)${r.cached ? ' — reused from cache' : ''}${r.problems ? ` — ${r.problems} ${r.problems === 1 ? 'item' : 'items'} skipped` : ''}${r.splitNote ? ` — ${r.splitNote}` : ''}`);
      onNotice(`Space ${r.name} is active`);
      onSetSpace(r.id);
    } catch (e) {
      setEncError(e instanceof Error ? e.message : String(e));
    } finally {
      setJobId(null);
    }
  };

  const job = jobId ? jobs[jobId] : undefined;
  return (
    <div data-testid="spaces-panel">
      <section className="panel">
        <h2>Embedding spaces</h2>
        <p className="muted small">The active space drives the map, the neighbours, the push and the glyphs.</p>
        <table className="spaces-table">
          <thead>
            <tr><th>space</th><th>dims</th><th>kind</th><th /></tr>
          </thead>
          <tbody>
            {session.spaces.map((sp) => {
              const parent = sp.parent ? byId.get(sp.parent) : null;
              const isActive = sp.id === session.spaceId;
              return (
                <tr key={sp.id} data-testid="space-row" data-space-id={sp.id} data-active={isActive ? 'true' : 'false'} className={isActive ? 'current' : ''}>
                  <td>
                    <strong>{sp.name}</strong>
                    <div className="muted small">{sp.encoder}{parent ? ` · on ${parent.name}` : ''}{sp.condition ? ` · condition ${sp.condition}` : ''}</div>
                  </td>
                  <td>{sp.dims}</td>
                  <td>{sp.probabilistic ? <span className="badge prob" data-testid="prob-badge" title="probabilistic: μ and σ² per item">probabilistic</span> : <span className="badge">point</span>}</td>
                  <td>
                    {isActive ? <span className="badge annotated">active</span> : (
                      <button type="button" className="mini" data-testid="activate-space" onClick={() => onSetSpace(sp.id)}>use</button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      {condSpaces.length > 0 && (
        <section className="panel" data-testid="condition-panel">
          <h2>Condition</h2>
          <p className="muted small">Switch the map to a conditional space; the camera and the selected item stay put, so clusters that split or merge stand out.</p>
          <div className="row wrap">
            {activeParent && byId.get(activeParent) && (
              <button type="button" className={active?.id === activeParent ? 'chip on' : 'chip'} data-testid="condition-option" data-condition="" onClick={() => onSetSpace(activeParent, true)}>none</button>
            )}
            {condGroup.map((sp) => (
              <button key={sp.id} type="button" className={active?.id === sp.id ? 'chip on' : 'chip'} data-testid="condition-option" data-condition={sp.condition ?? ''} onClick={() => onSetSpace(sp.id, true)}>{sp.condition}</button>
            ))}
          </div>
        </section>
      )}
      <section className="panel" data-testid="encode-panel">
        <h2>Encode…</h2>
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (!jobId) void encode();
          }}
        >
          <label>
            encoder{' '}
            <select
              data-testid="encoder-kind"
              value={kind}
              onChange={(e) => {
                setKind(e.target.value as EncoderKind);
                setEncError(null);
              }}
            >
              {(Object.keys(ENCODER_TEXT) as EncoderKind[]).map((k) => (
                <option key={k} value={k}>{ENCODER_TEXT[k]}</option>
              ))}
            </select>
          </label>
          {kind === 'baseline' && (
            <label className="small">
              settings{' '}
              <input
                data-testid="encoder-settings"
                aria-label="built-in encoder settings"
                placeholder="optional, e.g. textDropout=0.4"
                value={settings}
                onChange={(e) => setSettings(e.target.value)}
              />{' '}
              <span className="muted">
                name=value pairs, comma-separated, as after <code>baseline:</code> in <code>mlens encode</code>; textDropout=0.4 retrieves better on the synthetic worlds and worse from images to captions on real digits (docs/science.md)
              </span>
            </label>
          )}
          {(kind === 'clip' || kind === 'tfjs') && (
            <input data-testid="encoder-path" aria-label="model folder" placeholder={kind === 'clip' ? '/abs/path/to/clip-model folder' : '/abs/path/to/folder with model.json'} value={path} onChange={(e) => setPath(e.target.value)} />
          )}
          {kind === 'npy' && (
            <>
              <input data-testid="encoder-path" aria-label="image embeddings file" placeholder="/abs/path/images.npy" value={path} onChange={(e) => setPath(e.target.value)} />
              <input data-testid="encoder-path2" aria-label="text embeddings file" placeholder="/abs/path/texts.npy" value={path2} onChange={(e) => setPath2(e.target.value)} />
            </>
          )}
          <div className="row">
            <button type="submit" data-testid="encode-start" disabled={!!jobId}>{jobId ? 'Encoding…' : 'Encode'}</button>
            {jobId && <button type="button" data-testid="encode-cancel" onClick={() => onCancel(jobId)}>Cancel</button>}
          </div>
        </form>
        {job && (
          <div data-testid="encode-progress" className="inline-progress">
            <ProgressBar job={job} />
          </div>
        )}
        {encError && <div className="banner error" role="alert" data-testid="encode-error">{encError}</div>}
        {lastEncoded && <div className="banner ok" data-testid="encode-result">Encoded: {lastEncoded}</div>}
      </section>
    </div>
  );
}
