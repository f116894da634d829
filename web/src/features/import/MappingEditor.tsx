import { useId, useState } from 'react';
import {
  ASSET_KINDS,
  CATEGORIES,
  IMPORT_CRS,
  IMPORT_FIELDS,
  IMPORT_TRANSFORMS,
  ImportMappingSchema,
  LOCATION_PRECISIONS,
  type ImportField,
  type ImportMapping,
  type ImportMappingInput,
  type ImportRule,
  type ImportTransform,
} from '@kwartier/shared';
import { saveMapping } from '../../api/imports.ts';
import { ErrorSummary, Field, generalMessage, problemsAt, problemsOf, schemaProblems, type Problems } from '../../components/forms.tsx';
import { useI18n } from '../../i18n/I18nContext.tsx';

type Mode = 'none' | 'column' | 'value';

/** One field's rule as the form holds it: every option kept, whichever mode is chosen. */
type RuleDraft = {
  mode: Mode;
  /** The first is chosen in the form; more (from a saved mapping) are kept as they are. */
  columns: string[];
  transforms: ImportTransform[];
  split: string;
  skip: boolean;
  /** A saved mapping's value translations: kept, not edited here. */
  map: Record<string, string> | undefined;
  value: string;
};

type Draft = {
  name: string;
  description: string;
  source: string;
  format: 'csv' | 'geojson';
  status: 'published' | 'pending';
  coordinates: 'geometry' | 'columns';
  x: string;
  y: string;
  crs: (typeof IMPORT_CRS)[number];
  sourceId: RuleDraft;
  fields: Record<ImportField, RuleDraft>;
  csv: ImportMappingInput['csv'];
};

const EMPTY_RULE: RuleDraft = { mode: 'none', columns: [], transforms: [], split: '', skip: false, map: undefined, value: '' };
const SHARE = 'shareContactWithProfessionals';

function ruleDraftOf(rule: ImportRule | undefined): RuleDraft {
  if (!rule) return EMPTY_RULE;
  if ('value' in rule) {
    const value = Array.isArray(rule.value) ? rule.value.join(', ') : String(rule.value);
    return { ...EMPTY_RULE, mode: 'value', value };
  }
  return {
    ...EMPTY_RULE,
    mode: 'column',
    columns: Array.isArray(rule.column) ? rule.column : [rule.column],
    transforms: rule.transforms ?? [],
    split: rule.split ?? '',
    skip: rule.onInvalid === 'skip',
    map: rule.map,
  };
}

/** The column of the file whose name looks like one of `names` (case and spaces ignored). */
function guess(columns: readonly string[], names: readonly string[]): string | undefined {
  const wanted = new Set(names.map((name) => name.toLowerCase().replace(/[\s_-]/g, '')));
  return columns.find((column) => wanted.has(column.toLowerCase().replace(/[\s_-]/g, '')));
}

/** A saved mapping to edit, or a new one with the file's columns matched to fields by name where they obviously fit. */
export function draftOf(mapping: ImportMapping | null, format: 'csv' | 'geojson', columns: readonly string[]): Draft {
  if (mapping) {
    const fields = Object.fromEntries(IMPORT_FIELDS.map((field) => [field.code, ruleDraftOf(mapping.fields[field.code])])) as Record<ImportField, RuleDraft>;
    const coordinates = mapping.coordinates;
    return {
      name: mapping.name,
      description: mapping.description,
      source: mapping.source,
      format: mapping.format,
      status: mapping.status,
      coordinates: coordinates.from,
      x: coordinates.from === 'columns' ? coordinates.x : '',
      y: coordinates.from === 'columns' ? coordinates.y : '',
      crs: coordinates.crs,
      sourceId: ruleDraftOf(mapping.sourceId),
      fields,
      csv: mapping.csv,
    };
  }
  const fields = Object.fromEntries(
    IMPORT_FIELDS.map((field) => {
      const column = guess(columns, [field.code, field.code.split('.').at(-1)!, field.label.nl, field.label.en]);
      return [field.code, column ? { ...EMPTY_RULE, mode: 'column' as const, columns: [column], transforms: ['trim'] as ImportTransform[] } : EMPTY_RULE];
    }),
  ) as Record<ImportField, RuleDraft>;
  const id = guess(columns, ['id', 'code', 'nummer', 'sourceid', 'bronid']);
  return {
    name: '',
    description: '',
    source: '',
    format,
    status: 'pending',
    coordinates: format === 'geojson' ? 'geometry' : 'columns',
    x: guess(columns, ['x', 'lon', 'lng', 'longitude', 'lengtegraad']) ?? '',
    y: guess(columns, ['y', 'lat', 'latitude', 'breedtegraad']) ?? '',
    crs: 'EPSG:4326',
    sourceId: id ? { ...EMPTY_RULE, mode: 'column', columns: [id] } : EMPTY_RULE,
    fields,
    csv: undefined,
  };
}

function ruleOf(code: ImportField | 'sourceId', rule: RuleDraft, list: boolean): ImportRule | undefined {
  if (rule.mode === 'none') return undefined;
  if (rule.mode === 'value') {
    if (code === SHARE) return { value: rule.value === 'true' };
    return { value: list ? rule.value.split(',').map((value) => value.trim()).filter(Boolean) : rule.value };
  }
  return {
    column: rule.columns.length > 1 ? rule.columns : (rule.columns[0] ?? ''),
    transforms: rule.transforms,
    ...(rule.map ? { map: rule.map } : {}),
    ...(list && rule.split ? { split: rule.split } : {}),
    onInvalid: rule.skip ? 'skip' : 'refuse',
  };
}

/** The mapping as the API takes it; every field's own shape, checked afterwards with the shared schema. */
export function mappingOf(draft: Draft): ImportMappingInput {
  const fields: Partial<Record<ImportField, ImportRule>> = {};
  for (const field of IMPORT_FIELDS) {
    const rule = ruleOf(field.code, draft.fields[field.code], field.list);
    if (rule) fields[field.code] = rule;
  }
  return {
    name: draft.name.trim(),
    description: draft.description,
    format: draft.format,
    source: draft.source.trim(),
    sourceId: ruleOf('sourceId', draft.sourceId, false) ?? { column: '' },
    coordinates: draft.coordinates === 'geometry' ? { from: 'geometry', crs: draft.crs } : { from: 'columns', x: draft.x, y: draft.y, crs: draft.crs },
    fields,
    status: draft.status,
    ...(draft.csv ? { csv: draft.csv } : {}),
  };
}

/** Gaps the schema would word poorly (a union of two rule shapes): a column or a value left open. */
function openChoices(draft: Draft, t: ReturnType<typeof useI18n>['t']): Problems {
  const problems: Problems = [];
  if (draft.sourceId.mode !== 'column' || !draft.sourceId.columns[0]) problems.push({ field: 'body.sourceId', message: t.imports.chooseColumn });
  if (draft.coordinates === 'columns') {
    if (!draft.x) problems.push({ field: 'body.coordinates.x', message: t.imports.chooseColumn });
    if (!draft.y) problems.push({ field: 'body.coordinates.y', message: t.imports.chooseColumn });
  }
  for (const field of IMPORT_FIELDS) {
    const rule = draft.fields[field.code];
    if (rule.mode === 'none' && field.required) problems.push({ field: `body.fields.${field.code}`, message: t.imports.fieldRequired });
    if (rule.mode === 'column' && !rule.columns[0]) problems.push({ field: `body.fields.${field.code}`, message: t.imports.chooseColumn });
    if (rule.mode === 'value' && rule.value.trim() === '') problems.push({ field: `body.fields.${field.code}`, message: t.imports.fillValue });
  }
  return problems;
}

type Props = {
  mapping: ImportMapping | null;
  format: 'csv' | 'geojson';
  columns: readonly string[];
  onSaved: (mapping: ImportMapping) => void;
  onCancel: () => void;
};

/** Makes or changes a mapping: which column of the file fills which field, or which value every record gets. */
export function MappingEditor({ mapping, format, columns, onSaved, onCancel }: Props) {
  const { t, label } = useI18n();
  const ti = t.imports;
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => draftOf(mapping, format, columns));
  const [problems, setProblems] = useState<Problems>([]);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (change: Partial<Draft>) => setDraft((current) => ({ ...current, ...change }));
  const setRule = (code: ImportField, change: Partial<RuleDraft>) =>
    setDraft((current) => ({ ...current, fields: { ...current.fields, [code]: { ...current.fields[code], ...change } } }));

  const fieldLabels: Record<string, string> = {
    name: ti.mappingName, description: ti.description, source: ti.source, format: ti.format, status: ti.status, sourceId: ti.sourceId,
    coordinates: ti.coordinates, 'coordinates.x': ti.xColumn, 'coordinates.y': ti.yColumn, fields: ti.fields,
    ...Object.fromEntries(IMPORT_FIELDS.map((field) => [`fields.${field.code}`, label(field.label)])),
  };

  const save = async () => {
    setError(null);
    const gaps = openChoices(draft, t);
    const parsed = ImportMappingSchema.safeParse(mappingOf(draft));
    const found = [...gaps, ...(parsed.success ? [] : schemaProblems(parsed.error, t).filter((problem) => !gaps.some((gap) => problem.field.startsWith(gap.field))))];
    setProblems(found);
    if (found.length > 0 || !parsed.success) return;
    setSaving(true);
    try {
      onSaved(await saveMapping(parsed.data));
    } catch (err) {
      setProblems(problemsOf(err));
      setError(generalMessage(err, t));
    } finally {
      setSaving(false);
    }
  };

  /** A column of the file: a choice from its header; free text when no file has been read. */
  const columnInput = (value: string, onChange: (value: string) => void, attributes: { id?: string; 'aria-label'?: string; 'aria-invalid': boolean; 'aria-describedby'?: string | undefined }) => {
    const known = columns.includes(value) || value === '' ? columns : [value, ...columns];
    return known.length > 0 ? (
      <select {...attributes} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">{ti.chooseColumnOption}</option>
        {known.map((column) => <option key={column} value={column}>{columns.includes(column) ? column : `${column} ${ti.notInFile}`}</option>)}
      </select>
    ) : (
      <input {...attributes} type="text" value={value} onChange={(event) => onChange(event.target.value)} />
    );
  };

  const valueInput = (code: ImportField, list: boolean, rule: RuleDraft, fieldName: string) => {
    const aria = ti.valueOf(fieldName);
    const onChange = (value: string) => setRule(code, { value });
    const terms = code === 'kind' ? ASSET_KINDS : code === 'category' ? CATEGORIES : code === 'precision' ? LOCATION_PRECISIONS : null;
    if (terms) {
      return (
        <select aria-label={aria} value={rule.value} onChange={(event) => onChange(event.target.value)}>
          <option value="">{ti.chooseValueOption}</option>
          {(terms as ReadonlyArray<{ code: string; label: { nl: string; en: string } }>).map((term) => <option key={term.code} value={term.code}>{label(term.label)} ({term.code})</option>)}
        </select>
      );
    }
    if (code === SHARE) {
      return (
        <select aria-label={aria} value={rule.value === 'true' ? 'true' : 'false'} onChange={(event) => onChange(event.target.value)}>
          <option value="false">{ti.no}</option>
          <option value="true">{ti.yes}</option>
        </select>
      );
    }
    return <input type="text" aria-label={aria} value={rule.value} placeholder={list ? ti.listPlaceholder : ''} onChange={(event) => onChange(event.target.value)} />;
  };

  return (
    <form className="mapping-editor" data-testid="mapping-editor" aria-labelledby={`${id}-title`} noValidate onSubmit={(event) => { event.preventDefault(); void save(); }}>
      <h4 id={`${id}-title`}>{mapping ? ti.editMapping(mapping.name) : ti.newMapping}</h4>
      <ErrorSummary message={error ?? (problems.length > 0 ? t.errors.checkFields : null)} problems={problems} labels={fieldLabels} />
      <div className="inline-fields">
        <Field label={ti.mappingName} hint={ti.mappingNameHint} problems={problemsAt(problems, 'name')}>
          {(props) => <input {...props} type="text" value={draft.name} readOnly={mapping !== null} onChange={(event) => set({ name: event.target.value })} />}
        </Field>
        <Field label={ti.source} hint={ti.sourceHint} problems={problemsAt(problems, 'source')}>
          {(props) => <input {...props} type="text" value={draft.source} onChange={(event) => set({ source: event.target.value })} />}
        </Field>
      </div>
      <Field label={ti.description} problems={problemsAt(problems, 'description')}>
        {(props) => <input {...props} type="text" value={draft.description} onChange={(event) => set({ description: event.target.value })} />}
      </Field>
      <div className="inline-fields">
        <Field label={ti.format} problems={problemsAt(problems, 'format')}>
          {(props) => (
            <select {...props} value={draft.format} onChange={(event) => set({ format: event.target.value as Draft['format'], coordinates: event.target.value === 'geojson' ? draft.coordinates : 'columns' })}>
              <option value="csv">CSV</option>
              <option value="geojson">GeoJSON</option>
            </select>
          )}
        </Field>
        <Field label={ti.status} problems={problemsAt(problems, 'status')}>
          {(props) => (
            <select {...props} value={draft.status} onChange={(event) => set({ status: event.target.value as Draft['status'] })}>
              <option value="pending">{ti.statusPending}</option>
              <option value="published">{ti.statusPublished}</option>
            </select>
          )}
        </Field>
      </div>
      <Field label={ti.sourceId} hint={ti.sourceIdHint} problems={problemsAt(problems, 'sourceId')}>
        {(props) => columnInput(draft.sourceId.columns[0] ?? '', (value) => set({ sourceId: { ...draft.sourceId, mode: 'column', columns: value ? [value, ...draft.sourceId.columns.slice(1)] : [] } }), props)}
      </Field>

      <fieldset className={problemsAt(problems, 'coordinates').length > 0 ? 'invalid' : undefined}>
        <legend>{ti.coordinates}</legend>
        <div className="inline-fields">
          <label>
            <span>{ti.coordinatesFrom}</span>
            <select value={draft.coordinates} onChange={(event) => set({ coordinates: event.target.value as Draft['coordinates'] })}>
              {draft.format === 'geojson' ? <option value="geometry">{ti.fromGeometry}</option> : null}
              <option value="columns">{ti.fromColumns}</option>
            </select>
          </label>
          {draft.coordinates === 'columns' ? (
            <>
              <label><span>{ti.xColumn}</span>{columnInput(draft.x, (x) => set({ x }), { 'aria-invalid': problemsAt(problems, 'coordinates.x').length > 0 })}</label>
              <label><span>{ti.yColumn}</span>{columnInput(draft.y, (y) => set({ y }), { 'aria-invalid': problemsAt(problems, 'coordinates.y').length > 0 })}</label>
            </>
          ) : null}
          <label>
            <span>{ti.crs}</span>
            <select value={draft.crs} onChange={(event) => set({ crs: event.target.value as Draft['crs'] })}>
              <option value="EPSG:4326">{ti.wgs84}</option>
              <option value="EPSG:28992">{ti.rdNew}</option>
            </select>
          </label>
        </div>
      </fieldset>

      <fieldset>
        <legend>{ti.fields}</legend>
        <p className="hint">{ti.fieldsHint}</p>
        <div className="rules">
          {IMPORT_FIELDS.map((field) => {
            const rule = draft.fields[field.code];
            const fieldName = label(field.label);
            const fieldProblems = problemsAt(problems, `fields.${field.code}`);
            return (
              <div key={field.code} className={fieldProblems.length > 0 ? 'rule invalid' : 'rule'} data-field={field.code}>
                <span className="rule-name">{fieldName}{field.required ? <span aria-hidden="true"> *</span> : null}{field.list ? <span className="hint"> ({ti.list})</span> : null}</span>
                <select aria-label={ti.modeOf(fieldName)} value={rule.mode} onChange={(event) => setRule(field.code, { mode: event.target.value as Mode })}>
                  <option value="none">{field.required ? ti.modeChoose : ti.modeNone}</option>
                  <option value="column">{ti.modeColumn}</option>
                  <option value="value">{ti.modeValue}</option>
                </select>
                {rule.mode === 'column' ? columnInput(rule.columns[0] ?? '', (value) => setRule(field.code, { columns: value ? [value, ...rule.columns.slice(1)] : [] }), { 'aria-label': ti.columnOf(fieldName), 'aria-invalid': fieldProblems.length > 0 }) : null}
                {rule.mode === 'value' ? valueInput(field.code, field.list, rule, fieldName) : null}
                {rule.mode === 'column' ? (
                  <details className="rule-options">
                    <summary>{ti.options(rule.transforms.length + (rule.split ? 1 : 0) + (rule.skip ? 1 : 0))}</summary>
                    {rule.columns.length > 1 ? <p className="hint">{ti.alsoColumns(rule.columns.slice(1).join(', '))}</p> : null}
                    {rule.map ? <p className="hint">{ti.keepsMap(Object.keys(rule.map).length)}</p> : null}
                    <fieldset className="checks-inline">
                      <legend className="visually-hidden">{ti.transformsOf(fieldName)}</legend>
                      {IMPORT_TRANSFORMS.map((transform) => (
                        <label key={transform.code} className="check">
                          <input
                            type="checkbox"
                            checked={rule.transforms.includes(transform.code)}
                            onChange={(event) => setRule(field.code, {
                              transforms: event.target.checked
                                ? IMPORT_TRANSFORMS.map((each) => each.code).filter((code) => code === transform.code || rule.transforms.includes(code))
                                : rule.transforms.filter((code) => code !== transform.code),
                            })}
                          />
                          {label(transform.label)}
                        </label>
                      ))}
                    </fieldset>
                    {field.list ? (
                      <label className="stacked">
                        <span>{ti.split}</span>
                        <input type="text" className="short" maxLength={5} value={rule.split} placeholder=";" onChange={(event) => setRule(field.code, { split: event.target.value })} />
                      </label>
                    ) : null}
                    <label className="check">
                      <input type="checkbox" checked={rule.skip} onChange={(event) => setRule(field.code, { skip: event.target.checked })} />
                      {ti.skipInvalid}
                    </label>
                  </details>
                ) : null}
                {fieldProblems.length > 0 ? <p className="field-error">{[...new Set(fieldProblems.map((problem) => problem.message))].join('; ')}</p> : null}
              </div>
            );
          })}
        </div>
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={saving}>{saving ? t.loading : ti.saveMapping}</button>
        <button type="button" className="secondary" onClick={onCancel}>{ti.cancel}</button>
      </div>
    </form>
  );
}
