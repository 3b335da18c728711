import './preview.css';
import { type FormEvent, type ReactNode, useEffect, useId, useState } from 'react';
import { ACCESS_RTT_MS, ROUTE_STRETCH } from '../../../../engine/latency-model';
import type { Routing, TestDnsAnswerResponse } from '../../../../shared/routing';
import { CopyCommand } from '../../../components/copy-command';
import { ErrorState, Skeleton } from '../../../components/states';
import { ApiError } from '../../../lib/api-client';
import { regionColor } from '../../../lib/region-colors';
import { hasClient, type PreviewQuery, useTestDnsAnswer } from '../api/get-test-dns-answer';
import { cityLabel } from '../api/search-cities';
import {
  describeClient,
  digCommand,
  fieldForApiError,
  type PreviewField,
  parseAddressInput,
  parseResolverInput,
  toggleUnhealthy,
  usesIpData,
  withClient,
} from '../lib/client-input';
import { CandidateList } from './candidate-list';
import { CityCombobox } from './city-combobox';

export interface PreviewPanelProps {
  zoneId: string;
  recordName: string;
  recordType: string;
  query: PreviewQuery;
  onQueryChange: (q: PreviewQuery) => void;
  /**
   * Shown beside the engine's answer (the app puts the real DNS server's answer here). `engine`
   * is the answer for exactly this query, or null while it loads or is a previous one.
   */
  renderBeside?: (args: BesideArgs) => ReactNode;
  /** Shown under the candidates (the app puts the measured-RTT chart here). */
  renderBelow?: (args: BelowArgs) => ReactNode;
}

export interface BelowArgs {
  query: PreviewQuery;
  routing: Routing;
}

export interface BesideArgs {
  query: PreviewQuery;
  engine: TestDnsAnswerResponse | null;
}

type FieldErrors = Partial<Record<PreviewField, string>>;

function formatCoordinates(q: PreviewQuery): string {
  return q.lat !== undefined && q.lon !== undefined ? `${q.lat}, ${q.lon}` : '';
}

/** "51.5, -0.12" → numbers, with the range checks the API makes. */
function parseCoordinates(
  text: string,
): { ok: true; lat: number; lon: number } | { ok: false; message: string } {
  const parts = text.split(/[,\s]+/).filter(Boolean);
  if (parts.length !== 2)
    return { ok: false, message: 'Enter latitude and longitude, e.g. 51.5, -0.12' };
  const [lat, lon] = parts.map(Number) as [number, number];
  if (!Number.isFinite(lat) || lat < -90 || lat > 90)
    return { ok: false, message: 'Latitude must be between -90 and 90' };
  if (!Number.isFinite(lon) || lon < -180 || lon > 180) {
    return { ok: false, message: 'Longitude must be between -180 and 180' };
  }
  return { ok: true, lat, lon };
}

/** Which input the answer currently comes from (the API's precedence). */
function activeSource(q: PreviewQuery): PreviewField | null {
  if (q.city) return 'city';
  if (q.lat !== undefined && q.lon !== undefined) return 'coordinates';
  if (q.ip || q.subnet) return 'address';
  if (q.resolver) return 'resolver';
  return null;
}

/**
 * Routing preview: pick a client (city, IP or subnet, resolver, map point) and see Route 53's
 * answer, the chosen region and every candidate's estimated RTT; simulate failures.
 */
export function PreviewPanel({
  zoneId,
  recordName,
  recordType,
  query,
  onQueryChange,
  renderBeside,
  renderBelow,
}: PreviewPanelProps) {
  const answer = useTestDnsAnswer(zoneId, recordName, recordType, query);
  const [local, setLocal] = useState<FieldErrors>({});
  const ids = {
    city: useId(),
    address: useId(),
    resolver: useId(),
    coordinates: useId(),
  };

  // Server-side problems land on the field they name; typed errors take precedence.
  const server: FieldErrors = {};
  if (answer.error instanceof ApiError) {
    const details = answer.error.details.length
      ? answer.error.details
      : [{ field: undefined, message: answer.error.message }];
    for (const d of details) {
      const f = fieldForApiError(d.field);
      server[f] = server[f] ? `${server[f]}; ${d.message}` : d.message;
    }
  } else if (answer.error) server.general = answer.error.message;
  const errors: FieldErrors = { ...server, ...local };

  const change = (next: PreviewQuery) => {
    setLocal({});
    onQueryChange(next);
  };
  const source = activeSource(query);

  return (
    <div className="preview-panel">
      <div className="preview-inputs">
        <div className={`field preview-field${source === 'city' ? ' is-active' : ''}`}>
          <label className="field-label" htmlFor={ids.city}>
            City
          </label>
          <CityCombobox
            id={ids.city}
            value={query.city ? (query.cityLabel ?? query.city) : ''}
            error={errors.city}
            onSelect={(c) => change(withClient(query, { city: c.id, cityLabel: cityLabel(c) }))}
          />
        </div>

        <TextQueryField
          id={ids.address}
          label="IP address or client subnet"
          placeholder="81.2.69.160 or 81.2.69.0/24"
          help="An address is looked up as is; a subnet is truncated to its prefix (EDNS client subnet)."
          value={query.ip ?? query.subnet ?? ''}
          active={source === 'address'}
          error={errors.address}
          submitLabel="Preview"
          onSubmit={(text) => {
            const r = parseAddressInput(text);
            if (!r.ok) return r.message;
            change(
              withClient(
                query,
                r.kind === 'ip'
                  ? { ip: r.value }
                  : { subnet: r.value, ...(query.resolver ? { resolver: query.resolver } : {}) },
              ),
            );
            return null;
          }}
          onClear={query.ip || query.subnet ? () => change(withClient(query, {})) : undefined}
        />

        <TextQueryField
          id={ids.resolver}
          label="Resolver address"
          placeholder="e.g. 8.8.8.8"
          help="Stands for the user when no client subnet is sent (Route 53 TestDNSAnswer)."
          value={query.resolver ?? ''}
          active={source === 'resolver'}
          error={errors.resolver}
          submitLabel="Preview"
          onSubmit={(text) => {
            const r = parseResolverInput(text);
            if (!r.ok) return r.message;
            change(
              withClient(query, {
                resolver: r.value,
                ...(query.subnet ? { subnet: query.subnet } : {}),
              }),
            );
            return null;
          }}
          onClear={
            query.resolver
              ? () =>
                  change(withClient(query, { ...(query.subnet ? { subnet: query.subnet } : {}) }))
              : undefined
          }
        />

        <TextQueryField
          id={ids.coordinates}
          label="Coordinates"
          placeholder="51.5, -0.12"
          help="Or click anywhere on the map."
          value={formatCoordinates(query)}
          active={source === 'coordinates'}
          error={errors.coordinates}
          submitLabel="Preview"
          onSubmit={(text) => {
            const r = parseCoordinates(text);
            if (!r.ok) return r.message;
            change(withClient(query, { lat: r.lat, lon: r.lon }));
            return null;
          }}
          onClear={query.lat !== undefined ? () => change(withClient(query, {})) : undefined}
        />
      </div>

      <PreviewAnswerView
        answer={answer}
        recordName={recordName}
        recordType={recordType}
        query={query}
        generalError={errors.general}
        renderBeside={renderBeside}
        renderBelow={renderBelow}
        onToggleFailure={(setId, failed) => change(toggleUnhealthy(query, setId, failed))}
      />
    </div>
  );
}

interface TextQueryFieldProps {
  id: string;
  label: string;
  placeholder: string;
  help?: string;
  value: string;
  active: boolean;
  error?: string;
  submitLabel: string;
  /** Returns an error message to show at the field, or null when accepted. */
  onSubmit: (text: string) => string | null;
  onClear?: () => void;
}

/** One labelled input with its own submit (Enter), its error and help text tied by aria-describedby. */
function TextQueryField(props: TextQueryFieldProps) {
  const { id, label, placeholder, help, value, active, error, submitLabel, onSubmit, onClear } =
    props;
  const [text, setText] = useState(value);
  const [typedError, setTypedError] = useState<string | null>(null);
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  useEffect(() => {
    setText(value);
    setTypedError(null);
  }, [value]);
  const shown = typedError ?? error ?? null;

  function submit(e: FormEvent) {
    e.preventDefault();
    setTypedError(onSubmit(text));
  }

  return (
    <form
      className={`field preview-field${active ? ' is-active' : ''}`}
      onSubmit={submit}
      noValidate
    >
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <div className="preview-field-row">
        <input
          id={id}
          className="input mono"
          type="text"
          spellCheck={false}
          autoComplete="off"
          placeholder={placeholder}
          value={text}
          aria-invalid={shown ? true : undefined}
          aria-describedby={
            [shown ? errorId : null, help ? helpId : null].filter(Boolean).join(' ') || undefined
          }
          onChange={(e) => {
            setText(e.target.value);
            setTypedError(null);
          }}
        />
        <button type="submit" className="button">
          {submitLabel}
        </button>
        {onClear && (
          <button
            type="button"
            className="button button-quiet"
            onClick={onClear}
            aria-label={`Clear ${label.toLowerCase()}`}
          >
            Clear
          </button>
        )}
      </div>
      {shown && (
        <p id={errorId} className="field-error" role="alert">
          {shown}
        </p>
      )}
      {help && !shown && (
        <p id={helpId} className="field-help">
          {help}
        </p>
      )}
    </form>
  );
}

interface PreviewAnswerViewProps {
  answer: ReturnType<typeof useTestDnsAnswer>;
  recordName: string;
  recordType: string;
  query: PreviewQuery;
  generalError?: string;
  renderBeside?: (args: BesideArgs) => ReactNode;
  renderBelow?: (args: BelowArgs) => ReactNode;
  onToggleFailure: (setIdentifier: string, failed: boolean) => void;
}

function PreviewAnswerView({
  answer,
  recordName,
  recordType,
  query,
  generalError,
  renderBeside,
  renderBelow,
  onToggleFailure,
}: PreviewAnswerViewProps) {
  if (answer.isPending && answer.fetchStatus !== 'idle')
    return <Skeleton rows={5} label="Asking the routing engine" />;
  if (answer.isPending) return null;
  const data = answer.data;
  if (!data) {
    // Field errors are shown at their fields; anything else here.
    return generalError ? (
      <ErrorState
        title="The preview failed"
        error={new Error(generalError)}
        onRetry={() => void answer.refetch()}
      />
    ) : null;
  }
  const routing = data.Routing;
  const chosen = routing.chosen;
  const stale = answer.isPlaceholderData || (answer.isError && !answer.isFetching);
  const dig = digCommand(recordName, recordType, query);
  const facts = (
    <dl className="preview-facts">
      <Fact term="Answer">
        <span data-testid="preview-record-data">
          {data.RecordData.length ? (
            data.RecordData.map((v) => (
              <code key={v} className="preview-value">
                {v}
              </code>
            ))
          ) : (
            <span className="muted">no data</span>
          )}
        </span>{' '}
        <span className={`preview-rcode${data.ResponseCode === 'NOERROR' ? '' : ' is-error'}`}>
          {data.ResponseCode}
        </span>
      </Fact>
      <Fact term="Routed to">
        {chosen ? (
          <span
            data-testid="preview-chosen"
            data-region={chosen.region}
            data-set={chosen.setIdentifier}
          >
            <span
              className="candidate-swatch"
              style={{ background: regionColor(chosen.region) }}
              aria-hidden="true"
            />
            <strong className="mono">{chosen.region}</strong> · set{' '}
            <strong>{chosen.setIdentifier}</strong> · {chosen.rttMs.toFixed(1)} ms estimated
          </span>
        ) : (
          <span className="muted">no latency record applies</span>
        )}
      </Fact>
      <Fact term="Client">
        <span data-testid="preview-client">{describeClient(routing.client)}</span>
        <span className="muted">
          {' '}
          · {routing.client.lat.toFixed(2)}, {routing.client.lon.toFixed(2)}
        </span>
      </Fact>
    </dl>
  );

  return (
    <section
      className={`preview-answer${stale ? ' is-stale' : ''}`}
      aria-label="Routing answer"
      aria-busy={answer.isFetching}
      data-testid="preview-answer"
    >
      {generalError && <ErrorState title="The preview failed" error={new Error(generalError)} />}
      {!hasClient(query) && (
        <p className="preview-note">
          No client given: the answer is for Route 53’s default resolver. Choose a city, type an
          address or click the map.
        </p>
      )}
      {renderBeside ? (
        <div className="preview-compare">
          <div className="preview-compare-side">
            <h3 className="preview-subtitle">Routing engine</h3>
            {facts}
          </div>
          <div className="preview-compare-side">
            {renderBeside({ query, engine: stale || answer.isFetching ? null : data })}
          </div>
        </div>
      ) : (
        facts
      )}
      {routing.allUnhealthy && (
        <p className="preview-warning" role="status">
          Every candidate is unhealthy, so Route 53 treats them all as healthy and answers with the
          nearest.
        </p>
      )}
      {routing.candidates.length > 0 && (
        <>
          <h3 className="preview-subtitle">Candidates</h3>
          <CandidateList
            candidates={routing.candidates}
            chosenSet={chosen?.setIdentifier ?? null}
            failed={query.unhealthy ?? []}
            onToggleFailure={onToggleFailure}
          />
          {routing.model === 'measured' && routing.network !== undefined ? (
            <p className="field-help" data-testid="preview-model">
              This client’s network <span className="mono">{routing.network}</span> has measurements
              of its own, so it routes by them rather than by its place: <strong>measured</strong>{' '}
              is the network’s median RTT in the window (range p25–p75); regions it has not measured
              are estimated where its samples are. “Fail” previews the answer if that record’s
              health check failed.
            </p>
          ) : routing.model === 'measured' ? (
            <p className="field-help" data-testid="preview-model">
              This zone routes by measured latency: <strong>measured</strong> is the median RTT of
              this place’s samples in the window (range p25–p75), <strong>learned</strong> adds what
              measured places nearby saw to the distance estimate, <strong>distance</strong> is the
              great-circle estimate. “Fail” previews the answer if that record’s health check
              failed.
            </p>
          ) : (
            <p className="field-help" data-testid="preview-model">
              Estimated round trip from great-circle distance: ~1 ms per 100 km of fibre, times a
              route stretch of {ROUTE_STRETCH.low}–{ROUTE_STRETCH.high} (bar: typical{' '}
              {ROUTE_STRETCH.typical}), plus {ACCESS_RTT_MS.low}–{ACCESS_RTT_MS.high} ms access.
              “Fail” previews the answer if that record’s health check failed.
            </p>
          )}
        </>
      )}
      {renderBelow?.({ query, routing })}
      {dig && (
        <CopyCommand
          command={dig}
          className="preview-dig"
          testId="preview-dig"
          label="Copy the dig command"
        />
      )}
      {usesIpData(routing.client) && (
        <p className="field-help">
          IP location data by{' '}
          <a href="https://db-ip.com" target="_blank" rel="noreferrer">
            DB-IP
          </a>{' '}
          (CC BY 4.0).
        </p>
      )}
    </section>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="preview-fact">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}
