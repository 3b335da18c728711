import { displayName } from '../../engine/names';
import type { ImpactWire } from '../../shared/impact';
import { formatCount, formatPercent, formatPopulation } from '../lib/format';
import { RegionChip } from './region-chip';

type NameImpact = ImpactWire['names'][number];

/**
 * What a change does to users, per record name: the share of cities and of population whose
 * answer moves, where they move (region colour chips as on the map), and the largest estimated
 * RTT increases. Shared by Review (before apply) and History (as it was at the time).
 */
export function ImpactSummary({ impact, heading }: { impact: ImpactWire; heading?: string }) {
  return (
    <section className="impact" aria-label={heading ?? 'Impact on users'}>
      {impact.names.length === 0 ? (
        <p className="muted">
          No latency answer changes: no city is routed differently (only non-latency records, or
          values, change).
        </p>
      ) : (
        impact.names.map((n) => <NameImpactView key={`${n.name}|${n.type}`} n={n} />)
      )}
      <p className="field-help impact-foot">
        Over {formatCount(impact.cityCount)} GeoNames cities, RTTs estimated by the {impact.model}{' '}
        model.
        {impact.omittedNames > 0 &&
          ` ${impact.omittedNames} more ${impact.omittedNames === 1 ? 'name was' : 'names were'} left out to bound the work.`}
      </p>
    </section>
  );
}

function NameImpactView({ n }: { n: NameImpact }) {
  const label = `${displayName(n.name)} ${n.type}`;
  const valueOnly = n.answerChangedCities - n.movedCities;
  return (
    <article className="impact-name" aria-label={`Impact on ${label}`}>
      <h4 className="impact-name-title">
        <span className="mono">{displayName(n.name)}</span>{' '}
        <span className="type-badge">{n.type}</span>
      </h4>
      <div className="impact-figures">
        <div className="impact-figure">
          <span className="impact-figure-value" data-testid="moved-cities-share">
            {formatPercent(n.movedCitiesShare)}
          </span>
          <span className="impact-figure-label">
            of cities move
            <span className="muted">
              {' '}
              · {formatCount(n.movedCities)} of {formatCount(n.totalCities)}
            </span>
          </span>
        </div>
        <div className="impact-figure">
          <span className="impact-figure-value" data-testid="moved-population-share">
            {formatPercent(n.movedPopulationShare)}
          </span>
          <span className="impact-figure-label">
            of population moves
            <span className="muted">
              {' '}
              · {formatPopulation(n.movedPopulation)} of {formatPopulation(n.totalPopulation)}
            </span>
          </span>
        </div>
        {valueOnly > 0 && (
          <div className="impact-figure">
            <span className="impact-figure-value">{formatCount(valueOnly)}</span>
            <span className="impact-figure-label">
              more cities keep their region but get new values
            </span>
          </div>
        )}
      </div>
      {n.flows.length > 0 && (
        <table className="table impact-table" aria-label={`Where users of ${label} move`}>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col" aria-label="to" />
              <th scope="col">To</th>
              <th scope="col" className="num">
                Cities
              </th>
              <th scope="col" className="num">
                Population
              </th>
            </tr>
          </thead>
          <tbody>
            {n.flows.map((f) => (
              <tr key={`${f.from}>${f.to}`}>
                <td>
                  <RegionChip code={f.from} />
                </td>
                <td className="impact-arrow" aria-hidden="true">
                  →
                </td>
                <td>
                  <RegionChip code={f.to} />
                </td>
                <td className="num">{formatCount(f.cities)}</td>
                <td className="num">{formatPopulation(f.population)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {n.largestIncreases.length > 0 && (
        <table className="table impact-table" aria-label={`Largest RTT increases for ${label}`}>
          <thead>
            <tr>
              <th scope="col">City</th>
              <th scope="col">Moves</th>
              <th scope="col" className="num">
                RTT before → after
              </th>
              <th scope="col" className="num">
                Increase
              </th>
            </tr>
          </thead>
          <tbody>
            {n.largestIncreases.map((c) => (
              <tr key={`${c.city}|${c.country}|${c.from}`}>
                <td>
                  {c.city}, <span className="muted">{c.country}</span>
                </td>
                <td className="impact-moves">
                  <RegionChip code={c.from} /> → <RegionChip code={c.to} />
                </td>
                <td className="num">
                  {Math.round(c.rttBeforeMs)} → {Math.round(c.rttAfterMs)} ms
                </td>
                <td className="num impact-increase">+{Math.round(c.deltaMs)} ms</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
