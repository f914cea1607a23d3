import { useEffect, useState } from 'react';
import type { Artifact } from '../../../shared/automation.ts';
import type { MethodOutput } from '../../../shared/contract.ts';
import { useApi } from '../../api/api-context.tsx';
import type { ApiClient } from '../../api/client.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { formatBytes } from '../../components/format.ts';

type ArtifactFile = MethodOutput<'automations.artifact'>;

/** Text files are shown up to this size; beyond it only "Save" makes sense. */
const MAX_TEXT_BYTES = 512 * 1024;

const KIND_TEXT: Record<Artifact['kind'], string> = { screenshot: 'Screenshot', trace: 'SDK trace', log: 'Log', video: 'Video', other: 'File' };

function isImage(path: string): boolean {
  return /\.(png|jpe?g)$/i.test(path);
}

function isText(path: string): boolean {
  return /\.(log|txt|json)$/i.test(path);
}

function decodeText(base64: string): string {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** Saves a file of the run through the browser's download (the page holds no file system access). */
async function saveArtifact(api: ApiClient, runId: string, path: string): Promise<void> {
  const file = await api.call('automations.artifact', { runId, path });
  const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = path.split('/').pop() ?? 'artifact';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** One file of a run, fetched when shown: a picture as a data: URL (the CSP allows those), text as text. */
export function ArtifactView({ runId, path, alt }: { runId: string; path: string; alt: string }) {
  const api = useApi();
  const [file, setFile] = useState<ArtifactFile | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    setFile(null);
    setError(null);
    api.call('automations.artifact', { runId, path }).then(
      (f) => live && setFile(f),
      (err) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [api, runId, path]);
  if (error) return <ErrorNotice title={`Could not open ${path}`} error={error} />;
  if (!file) return <p className="muted">Loading {path}…</p>;
  if (file.mime.startsWith('image/')) return <img className="screenshot" src={`data:${file.mime};base64,${file.base64}`} alt={alt} />;
  return (
    <pre className="artifact-text" tabIndex={0} role="region" aria-label={alt}>
      {decodeText(file.base64)}
    </pre>
  );
}

/**
 * The files a run left in its folder (step screenshots, the SDK's traces,
 * the worker and browser logs): where the folder is, and each file to show
 * here (pictures and text) or save.
 */
export function ArtifactList({ runId, dir, artifacts }: { runId: string; dir: string; artifacts: Artifact[] }) {
  const api = useApi();
  const [shown, setShown] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const save = (path: string) => {
    setError(null);
    saveArtifact(api, runId, path).catch(setError);
  };
  return (
    <section className="artifacts" aria-labelledby={`${runId}-files`}>
      <h4 id={`${runId}-files`} className="section-caption">
        Files of this run
      </h4>
      <p className="muted">
        Kept in <code className="path">{dir}</code>
      </p>
      {artifacts.length === 0 ? (
        <p className="muted">No files yet.</p>
      ) : (
        <ul className="artifact-list">
          {artifacts.map((f) => {
            const viewable = isImage(f.path) || (isText(f.path) && f.bytes <= MAX_TEXT_BYTES);
            const open = shown === f.path;
            return (
              <li key={f.path}>
                <div className="artifact-row">
                  <span className="item-name">{f.path}</span>
                  <span className="muted">
                    {KIND_TEXT[f.kind]} · {formatBytes(f.bytes)}
                  </span>
                  {viewable ? (
                    <button type="button" className="link-button" aria-expanded={open} onClick={() => setShown(open ? null : f.path)}>
                      {open ? 'Hide' : 'Show'}
                      <span className="visually-hidden"> {f.path}</span>
                    </button>
                  ) : null}
                  <button type="button" className="link-button" onClick={() => save(f.path)}>
                    Save<span className="visually-hidden"> {f.path}</span>
                  </button>
                </div>
                {open ? <ArtifactView runId={runId} path={f.path} alt={`${KIND_TEXT[f.kind]} ${f.path}`} /> : null}
              </li>
            );
          })}
        </ul>
      )}
      {error ? <ErrorNotice title="Could not save the file" error={error} /> : null}
    </section>
  );
}
