import { describe, expect, it, vi } from 'vitest';
import { allowedHostsFromIntegrations, createExternalOpener, isAllowedExternalUrl, normalizeAllowedHost } from '../../../main/electron/external-links.ts';

const HOSTS = ['acme.atlassian.net', 'github.com'];

describe('isAllowedExternalUrl', () => {
  it.each([
    'https://acme.atlassian.net/browse/KX-1',
    'http://acme.atlassian.net/',
    'https://github.com/acme/repo/pull/3',
    'https://gist.github.com/acme/1',
    'https://ACME.Atlassian.NET/wiki',
    'https://acme.atlassian.net./browse/KX-1',
    'https://acme.atlassian.net:8443/x',
  ])('allows %s', (url) => {
    expect(isAllowedExternalUrl(url, HOSTS)).toBe(true);
  });

  it.each([
    ['javascript:alert(1)', 'javascript: scheme'],
    ['java\nscript:alert(1)', 'javascript: split by a newline'],
    ['file:///etc/passwd', 'file: scheme'],
    ['data:text/html,<script>alert(1)</script>', 'data: scheme'],
    ['ftp://github.com/x', 'ftp scheme on an allowed host'],
    ['smb://github.com/share', 'smb scheme'],
    ['https://user@github.com/', 'user info'],
    ['https://github.com:pass@evil.example/', 'user info that looks like the host'],
    ['https://github.com@evil.example/', 'allowed host as user name'],
    ['https://evil.example\\@github.com/', 'backslash before @'],
    ['https://acme.atlassian.net.evil.example/', 'allowed host as a prefix of a foreign domain'],
    ['https://acme.atlassian.net%2eevil.example/', 'percent-encoded dot'],
    ['https://evilgithub.com/', 'allowed host as a suffix without a label boundary'],
    ['https://other.atlassian.net/', 'sibling of the configured subdomain'],
    ['https://atlassian.net/', 'parent of the configured host'],
    ['https://аcme.atlassian.net/', 'Cyrillic look-alike of the configured host'],
    ['https://xn--cme-8cd.atlassian.net/', 'punycode look-alike of the configured host'],
    ['https://xn--gthub-n4a.com/', 'punycode look-alike of github.com'],
    ['https://xn--80ak6aa92e.github.com/', 'punycode label above an allowed host'],
    ['https://127.0.0.1/', 'an IP address'],
    ['not a url', 'not a URL'],
    ['', 'empty string'],
    [`https://github.com/${'a'.repeat(20_000)}`, 'an absurdly long URL'],
  ])('rejects %s (%s)', (url) => {
    expect(isAllowedExternalUrl(url, HOSTS)).toBe(false);
  });

  it('rejects everything when no host is configured', () => {
    expect(isAllowedExternalUrl('https://github.com/', [])).toBe(false);
  });

  it('rejects non-string input', () => {
    expect(isAllowedExternalUrl(42 as unknown as string, HOSTS)).toBe(false);
  });

  it('matches an IP host only exactly, never as a parent domain', () => {
    expect(isAllowedExternalUrl('http://10.0.0.5:8080/x', ['10.0.0.5'])).toBe(true);
    expect(isAllowedExternalUrl('http://1.10.0.0.5/x', ['10.0.0.5'])).toBe(false);
  });

  it('allows an internationalized host the user configured, in either spelling', () => {
    expect(isAllowedExternalUrl('https://bücher.example/x', ['bücher.example'])).toBe(true);
    expect(isAllowedExternalUrl('https://xn--bcher-kva.example/x', ['bücher.example'])).toBe(true);
    expect(isAllowedExternalUrl('https://bucher.example/x', ['bücher.example'])).toBe(false);
  });
});

describe('normalizeAllowedHost', () => {
  it('accepts bare hosts, URLs and wildcard prefixes', () => {
    expect(normalizeAllowedHost(' Acme.Atlassian.net ')).toBe('acme.atlassian.net');
    expect(normalizeAllowedHost('https://acme.atlassian.net/wiki/spaces')).toBe('acme.atlassian.net');
    expect(normalizeAllowedHost('*.example.com')).toBe('example.com');
    expect(normalizeAllowedHost('localhost')).toBe('localhost');
  });

  it('refuses single-label public suffixes, user info, paths and other schemes', () => {
    for (const bad of ['com', 'net', '', '   ', 'user@github.com', 'github.com/path', 'ftp://github.com', 'javascript:alert(1)', 'github.com:8080']) {
      expect(normalizeAllowedHost(bad), bad).toBeNull();
    }
  });
});

describe('allowedHostsFromIntegrations', () => {
  it('collects hosts of URL settings and the fixed hosts of known connectors', () => {
    const hosts = allowedHostsFromIntegrations([
      { connector: 'jira', settings: { baseUrl: 'https://acme.atlassian.net', projects: ['KX'] } },
      { connector: 'sharepoint', settings: { sites: ['https://acme.sharepoint.com/sites/eng'] } },
      { connector: 'github', settings: { owner: 'acme' } },
      { connector: 'monday', settings: {} },
    ]);
    expect(hosts).toEqual(['acme.atlassian.net', 'acme.sharepoint.com', 'github.com', 'monday.com']);
  });

  it('ignores non-http settings such as javascript: URLs', () => {
    expect(allowedHostsFromIntegrations([{ connector: 'x', settings: { url: 'javascript:alert(1)', other: 'file:///x' } }])).toEqual([]);
  });
});

describe('createExternalOpener', () => {
  it('opens an allowed URL in its normalized form', async () => {
    const open = vi.fn(async () => undefined);
    const opener = createExternalOpener({ allowedHosts: () => HOSTS, open });
    await expect(opener('https://GitHub.com/acme')).resolves.toBe(true);
    expect(open).toHaveBeenCalledWith('https://github.com/acme');
  });

  it('does not open a refused URL and reports it', async () => {
    const open = vi.fn(async () => undefined);
    const onRefused = vi.fn();
    const opener = createExternalOpener({ allowedHosts: async () => HOSTS, open, onRefused });
    await expect(opener('https://github.com.evil.example/')).resolves.toBe(false);
    expect(open).not.toHaveBeenCalled();
    expect(onRefused).toHaveBeenCalledWith('https://github.com.evil.example/');
  });

  it('treats a failing host lookup as no hosts configured', async () => {
    const open = vi.fn(async () => undefined);
    const opener = createExternalOpener({ allowedHosts: async () => { throw new Error('core closed'); }, open });
    await expect(opener('https://github.com/')).resolves.toBe(false);
    expect(open).not.toHaveBeenCalled();
  });
});
