import { type FormEvent, useId, useMemo, useState } from 'react';
import type { ResourceRecordSet } from '../../../../engine/types';
import { useToast } from '../../../components/toast';
import { ApiError, errorMessage } from '../../../lib/api-client';
import { useCreateProposal } from '../../../lib/create-proposal';
import { describeRecordSet, recordValuesText } from '../../../lib/record-diff';
import { draftBatch } from '../lib/draft';
import type { DraftApi } from '../lib/draft-store';
import { validateDraft } from '../lib/validate-draft';

const ACTION_LABEL = { CREATE: 'add', UPSERT: 'change', DELETE: 'delete' } as const;

/**
 * The draft: changes collected instead of saved, each removable, checked as one batch against
 * the live zone; "Submit for review" turns it into a proposal with a comment.
 */
export function DraftTray({
  zoneId,
  zoneName,
  records,
  draft,
  forced,
  onProposed,
}: {
  zoneId: string;
  zoneName: string;
  /** The live zone (what the batch is validated against). */
  records: readonly ResourceRecordSet[];
  draft: DraftApi;
  /** The zone requires approval: drafts are the only way to change it. */
  forced: boolean;
  onProposed: (pid: string) => void;
}) {
  const commentId = useId();
  const toast = useToast();
  const [comment, setComment] = useState('');
  const [serverError, setServerError] = useState<string | null>(null);
  const create = useCreateProposal(zoneId);
  const errors = useMemo(
    () => validateDraft(zoneName, records, draft.entries),
    [zoneName, records, draft.entries],
  );
  const n = draft.entries.length;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!n || errors.size || create.isPending) return;
    setServerError(null);
    create.mutate(draftBatch(draft.entries, comment), {
      onSuccess: (p) => {
        draft.clear();
        setComment('');
        toast.show(`Submitted ${p.id} for review`, 'success');
        onProposed(p.id);
      },
      onError: (err) =>
        setServerError(
          err instanceof ApiError && err.details.length
            ? `${err.message}: ${err.details.map((d) => `${d.change !== undefined ? `change ${d.change + 1} ` : ''}${d.field ?? ''} ${d.message}`).join('; ')}`
            : errorMessage(err),
        ),
    });
  }

  return (
    <section className="draft-tray" aria-label="Draft">
      <header className="draft-tray-head">
        <strong>Draft</strong>
        <span className="muted">
          {n === 0
            ? forced
              ? `${zoneName} requires approval: edits collect here, then go to review.`
              : 'Edits collect here instead of going live.'
            : `${n} ${n === 1 ? 'change' : 'changes'}, not live. The table shows the zone as it would be.`}
        </span>
      </header>
      {n > 0 && (
        <>
          <ol className="draft-list">
            {draft.entries.map((e) => {
              const errs = errors.get(e.id);
              return (
                <li key={e.id} className={errs ? 'draft-item has-error' : 'draft-item'}>
                  <span
                    className={`diff-chip diff-${e.change.Action === 'CREATE' ? 'added' : e.change.Action === 'DELETE' ? 'removed' : 'changed'}`}
                  >
                    {ACTION_LABEL[e.change.Action]}
                  </span>
                  <span className="draft-item-text">
                    <span className="mono">{describeRecordSet(e.change.ResourceRecordSet)}</span>
                    <span className="muted"> {recordValuesText(e.change.ResourceRecordSet)}</span>
                    {errs?.map((x) => (
                      <span
                        key={`${x.field}:${x.message}`}
                        className="field-error draft-item-error"
                      >
                        {x.field}: {x.message}
                      </span>
                    ))}
                  </span>
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={`Remove ${ACTION_LABEL[e.change.Action]} ${describeRecordSet(e.change.ResourceRecordSet)} from the draft`}
                    title="Remove from the draft"
                    onClick={() => draft.remove(e.id)}
                  >
                    ×
                  </button>
                </li>
              );
            })}
          </ol>
          {errors.get(-1)?.map((x) => (
            <p key={x.message} className="field-error">
              {x.field}: {x.message}
            </p>
          ))}
          <form className="draft-submit" onSubmit={submit}>
            <label htmlFor={commentId} className="field-label">
              Comment for reviewers
            </label>
            <input
              id={commentId}
              className="input"
              maxLength={256}
              placeholder="Why this change, e.g. Retire Singapore"
              value={comment}
              onChange={(e) => setComment(e.target.value)}
            />
            <button type="button" className="button" onClick={draft.clear}>
              Discard draft
            </button>
            <button
              type="submit"
              className="button button-primary"
              disabled={errors.size > 0 || create.isPending}
              title={errors.size ? 'Fix or remove the changes marked in red first' : undefined}
            >
              {create.isPending ? 'Submitting…' : 'Submit for review'}
            </button>
          </form>
          {serverError && (
            <div className="state-error proposal-error" role="alert">
              The server refused the proposal; nothing was stored. {serverError}
            </div>
          )}
        </>
      )}
    </section>
  );
}
