/**
 * Turns a connector's settings JSON Schema (generated from its zod schema by
 * the core) into form fields, and form values back into settings. Pure, so
 * it is tested without a browser.
 */

export type FieldKind = 'text' | 'url' | 'number' | 'boolean' | 'select' | 'choices' | 'list' | 'json';

export interface FormField {
  name: string;
  label: string;
  help: string | null;
  required: boolean;
  kind: FieldKind;
  /** Allowed values of a select or of each choice. */
  options: string[];
  /** The schema's default, shown as the initial value of a new integration. */
  defaultValue: unknown;
  /** Numbers in a list field are sent as numbers. */
  numeric: boolean;
}

/** What an input holds: text for most, a flag for checkboxes, the ticked options of a choice group. */
export type FieldValue = string | boolean | string[];

type Schema = Record<string, unknown>;

const ACRONYMS: Record<string, string> = { url: 'URL', id: 'ID', api: 'API', uri: 'URI', sso: 'SSO', cql: 'CQL', jql: 'JQL', oauth: 'OAuth' };

/** A property name as a label: "baseUrl" → "Base URL", "pull_requests" → "Pull requests". */
export function humanize(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .split(/\s+/)
    .map((w) => ACRONYMS[w.toLowerCase()] ?? w.toLowerCase());
  if (words.length === 0) return name;
  const [first, ...rest] = words;
  return [first === first.toUpperCase() ? first : first.charAt(0).toUpperCase() + first.slice(1), ...rest].join(' ');
}

/** Drops a `null` branch (zod's nullable) so the real type shows. */
function unwrapNullable(s: Schema): Schema {
  const branches = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (!Array.isArray(branches)) return s;
  const real = branches.filter((b) => b.type !== 'null');
  if (real.length === 1) return { ...real[0], description: s.description ?? real[0].description, default: s.default ?? real[0].default, title: s.title ?? real[0].title };
  return s;
}

/** The enum values of a schema: `enum`, or a union of `const`s. */
function enumOf(s: Schema): string[] | null {
  if (Array.isArray(s.enum) && s.enum.every((v) => typeof v === 'string')) return s.enum as string[];
  const branches = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (Array.isArray(branches) && branches.length > 0 && branches.every((b) => typeof b.const === 'string')) return branches.map((b) => b.const as string);
  return null;
}

function kindOf(s: Schema): { kind: FieldKind; options: string[]; numeric: boolean } {
  const options = enumOf(s);
  if (options) return { kind: 'select', options, numeric: false };
  if (s.type === 'string') return { kind: s.format === 'uri' ? 'url' : 'text', options: [], numeric: false };
  if (s.type === 'number' || s.type === 'integer') return { kind: 'number', options: [], numeric: true };
  if (s.type === 'boolean') return { kind: 'boolean', options: [], numeric: false };
  if (s.type === 'array' && s.items && typeof s.items === 'object') {
    const items = unwrapNullable(s.items as Schema);
    const itemOptions = enumOf(items);
    if (itemOptions) return { kind: 'choices', options: itemOptions, numeric: false };
    if (items.type === 'string') return { kind: 'list', options: [], numeric: false };
    if (items.type === 'number' || items.type === 'integer') return { kind: 'list', options: [], numeric: true };
  }
  // Nested objects and unions have no simple input: JSON text still lets the user set them.
  return { kind: 'json', options: [], numeric: false };
}

/** The property every branch of a union pins to its own constant (e.g. "transport": stdio | http), if any. */
function discriminatorOf(branches: Schema[]): string | null {
  const first = (branches[0]?.properties ?? {}) as Record<string, Schema>;
  for (const key of Object.keys(first)) {
    const values = branches.map((b) => ((b.properties ?? {}) as Record<string, Schema>)[key]?.const);
    if (values.every((v) => typeof v === 'string') && new Set(values).size === branches.length) return key;
  }
  return null;
}

/**
 * The form fields of a settings schema, in the schema's property order. A
 * union of object shapes (zod's discriminatedUnion) becomes a select of its
 * discriminator followed by the fields of the chosen branch, so `current`
 * (the form's values) decides which branch shows.
 */
export function fieldsFromSchema(schema: Schema, current: Record<string, FieldValue> = {}): FormField[] {
  const branches = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (!schema.properties && Array.isArray(branches) && branches.length > 0 && branches.every((b) => b.properties)) {
    const key = discriminatorOf(branches);
    if (key) {
      const options = branches.map((b) => String(((b.properties as Record<string, Schema>)[key]).const));
      const picked = current[key];
      const chosen = typeof picked === 'string' && options.includes(picked) ? picked : options[0];
      const select: FormField = { name: key, label: humanize(key), help: null, required: true, kind: 'select', options, defaultValue: options[0], numeric: false };
      return [select, ...objectFields(branches[options.indexOf(chosen)]).filter((f) => f.name !== key)];
    }
  }
  return objectFields(schema);
}

function objectFields(schema: Schema): FormField[] {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(properties).map(([name, raw]) => {
    const s = unwrapNullable(raw);
    const { kind, options, numeric } = kindOf(s);
    return {
      name,
      label: typeof s.title === 'string' ? s.title : humanize(name),
      help: typeof s.description === 'string' ? s.description : null,
      // A field with a default is never missing: the core fills it in.
      required: required.has(name) && s.default === undefined,
      kind,
      options,
      defaultValue: s.default,
      numeric,
    };
  });
}

/** What each input starts with: the stored setting when editing, else the schema default. */
export function initialValues(fields: FormField[], settings?: Record<string, unknown>): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const f of fields) {
    const v = settings && f.name in settings ? settings[f.name] : f.defaultValue;
    out[f.name] = toInput(f, v);
  }
  return out;
}

/** A field's input value; a field that just appeared (another union branch) starts from its default. */
export function valueOf(field: FormField, values: Record<string, FieldValue>): FieldValue {
  return field.name in values ? values[field.name] : toInput(field, field.defaultValue);
}

function toInput(f: FormField, v: unknown): FieldValue {
  switch (f.kind) {
    case 'boolean':
      return v === true;
    case 'choices':
      return Array.isArray(v) ? v.map(String) : [];
    case 'list':
      return Array.isArray(v) ? v.map(String).join('\n') : '';
    case 'json':
      return v === undefined ? '' : JSON.stringify(v, null, 2);
    default:
      return v === undefined || v === null ? '' : String(v);
  }
}

/** Settings from form values, plus the problems the form can see itself (required, JSON syntax, numbers). */
export function settingsFromValues(fields: FormField[], values: Record<string, FieldValue>): { settings: Record<string, unknown>; errors: Record<string, string> } {
  const settings: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const v = valueOf(f, values);
    switch (f.kind) {
      case 'boolean':
        settings[f.name] = v === true;
        break;
      case 'choices': {
        const picked = Array.isArray(v) ? v : [];
        // Nothing ticked means "use the default" for an optional field.
        if (picked.length > 0) settings[f.name] = f.options.filter((o) => picked.includes(o));
        else if (f.required) errors[f.name] = `Choose at least one ${f.label.toLowerCase()} option`;
        break;
      }
      case 'list': {
        const items = String(v ?? '')
          .split(/[\n,]/)
          .map((s) => s.trim())
          .filter(Boolean);
        if (items.length > 0) settings[f.name] = f.numeric ? items.map((s) => (Number.isFinite(Number(s)) ? Number(s) : s)) : items;
        else if (f.required) errors[f.name] = `Enter at least one value for ${f.label}, one per line`;
        break;
      }
      case 'number': {
        const text = String(v ?? '').trim();
        if (text === '') {
          if (f.required) errors[f.name] = `Enter ${f.label}`;
        } else if (!Number.isFinite(Number(text))) errors[f.name] = `${f.label} must be a number`;
        else settings[f.name] = Number(text);
        break;
      }
      case 'json': {
        const text = String(v ?? '').trim();
        if (text === '') {
          if (f.required) errors[f.name] = `Enter ${f.label}`;
          break;
        }
        try {
          settings[f.name] = JSON.parse(text);
        } catch {
          errors[f.name] = `${f.label} is not valid JSON`;
        }
        break;
      }
      default: {
        const text = String(v ?? '').trim();
        if (text !== '') settings[f.name] = text;
        else if (f.required) errors[f.name] = `Enter ${f.label}`;
      }
    }
  }
  return { settings, errors };
}

/**
 * Places a problem reported by the core (a dotted path relative to the
 * settings, e.g. "repositories.1") on its field, naming the line of a list.
 */
export function placeIssue(fields: FormField[], path: string, message: string): { field: string; message: string } | null {
  const [name, index] = path.split('.');
  const field = fields.find((f) => f.name === name);
  if (!field) return null;
  const line = index !== undefined && /^\d+$/.test(index) && field.kind === 'list' ? `Line ${Number(index) + 1}: ` : '';
  return { field: field.name, message: `${line}${capitalize(message)}` };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
