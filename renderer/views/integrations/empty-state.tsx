/** What to do when nothing is configured yet: the exact command that adds an integration. */
export function EmptyState({ onRefresh }: { onRefresh: () => void }) {
  return (
    <section className="empty-state" aria-labelledby="empty-heading">
      <h3 id="empty-heading">No integrations yet</h3>
      <p>Add one from a terminal with the <code>kinexus</code> command, for example GitHub:</p>
      <pre>
        <code>{`kinexus integrations add github --name "My GitHub" --config '{"repositories":["owner/repo"]}' --secrets-stdin`}</code>
      </pre>
      <p>
        Then type its secrets as JSON on standard input, e.g. <code>{'{"token":"…"}'}</code>, and press Ctrl-D. Secrets go to the
        system keychain and are never shown here.
      </p>
      <button type="button" className="button" onClick={onRefresh}>
        Refresh
      </button>
    </section>
  );
}
