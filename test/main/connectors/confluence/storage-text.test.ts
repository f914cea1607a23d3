import { describe, expect, it } from 'vitest';
import { decodeEntities, storageToText } from '../../../../main/connectors/atlassian-storage.ts';

describe('Confluence storage format becomes searchable plain text', () => {
  it('keeps words in reading order with line breaks for blocks and " | " between cells', () => {
    const xhtml = '<h2>Rollout</h2><p>Step&nbsp;one &amp; two &#8212; see <ac:link><ri:page ri:content-title="Release &amp; QA" /></ac:link>.</p><ul><li>alpha</li><li>beta</li></ul><table><tbody><tr><th>Env</th><th>Owner</th></tr><tr><td>prod</td><td>SRE</td></tr></tbody></table>';
    const text = storageToText(xhtml);
    expect(text).toBe('Rollout\nStep one & two — see Release & QA.\nalpha\nbeta\nEnv | Owner\nprod | SRE');
  });

  it('keeps code macro bodies and link texts, drops macro parameters, comments and emoticons', () => {
    const xhtml = '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">python</ac:parameter><ac:plain-text-body><![CDATA[print("a < b")]]></ac:plain-text-body></ac:structured-macro><!-- hidden --><p><ac:emoticon ac:name="smile"/>Hi <ac:link><ri:user ri:account-id="123"/><ac:plain-text-link-body><![CDATA[Bob]]></ac:plain-text-link-body></ac:link></p>';
    const text = storageToText(xhtml);
    expect(text).toContain('print("a < b")');
    expect(text).toContain('Hi Bob');
    expect(text).not.toContain('python');
    expect(text).not.toContain('hidden');
  });

  it('survives text that is not well-formed', () => {
    expect(storageToText('a < b and <p>unclosed')).toBe('a < b and\nunclosed');
    expect(storageToText('')).toBe('');
    expect(decodeEntities('&unknown; &#x1F600; &#99999999;')).toBe('&unknown; 😀 &#99999999;');
  });
});
