// A folder without embeddings has no map yet: say that the built-in encoder can make them, and
// start it with one click (a job with progress and Cancel in the job bar).
import { useState } from 'react';
import type { LensApi } from '../../../../shared/api';
import type { DatasetSummary } from '../../../../shared/dataset';
import { newJobId } from '../../jobs';
import { useLens, useLensState } from '../../store/react';

export function EncodePrompt({ api, dataset, onNotice, onError }: { api: LensApi; dataset: DatasetSummary; onNotice: (s: string) => void; onError: (s: string) => void }) {
  const [running, setRunning] = useState(false);
  const start = async () => {
    setRunning(true);
    try {
      const r = await api.spaces.encode({ jobId: newJobId('encode'), encoder: 'baseline' });
      onNotice(`Encoded ${dataset.name}: space “${r.name}” (${r.dims}-d) is now active`);
    } catch (e) {
      onError(e instanceof Error ? e.message : String(e));
    } finally {
      setRunning(false);
    }
  };
  return (
    <div className="banner info encode-prompt" data-testid="encode-prompt">
      <span>
        <strong>{dataset.name}</strong> has no embeddings yet, so there is no map. The built-in encoder (offline, trained on this folder’s{' '}
        {dataset.images.toLocaleString()} images and {dataset.captions.toLocaleString()} captions) can make them.
      </span>
      <button type="button" data-testid="encode-builtin" disabled={running} onClick={() => void start()}>
        {running ? 'Encoding…' : 'Encode with the built-in encoder'}
      </button>
      <span className="muted small">Other encoders (CLIP, TensorFlow.js, .npy files) are in the Spaces tab.</span>
    </div>
  );
}

/** Shown above the map while the open dataset has no space yet. */
export function EncodeBanner() {
  const store = useLens();
  const session = useLensState((s) => s.session);
  if (!session?.dataset || session.spaces.length) return null;
  return <EncodePrompt api={store.api} dataset={session.dataset} onNotice={store.notify} onError={store.setError} />;
}
