import { useI18n } from '../../i18n/i18n-context';
import type { OutboxItem } from '../state/outbox';
import { discard } from '../state/outbox-sender';

/** What waits on the phone to be sent, and what the API refused (with its reason). */
export function OutboxList({ items }: { items: OutboxItem[] }) {
  const { t } = useI18n();
  if (!items.length)
    return (
      <p className="muted" data-testid="outbox-empty">
        {t('field.outbox.empty')}
      </p>
    );
  return (
    <ul className="field-outbox" data-testid="outbox">
      {items.map((i) => (
        <li key={i.key} data-kind={i.kind}>
          <span>{t(`field.kind.${i.kind}`)}</span> <span className="muted">{i.label}</span>
          {i.refused ? (
            <>
              <span className="field-refused">{t('field.outbox.refused', { reason: i.refused })}</span>
              <button type="button" onClick={() => void discard(i.key)}>
                {t('field.outbox.discard')}
              </button>
            </>
          ) : (
            <span className="muted small">{t('field.outbox.waiting')}</span>
          )}
        </li>
      ))}
    </ul>
  );
}
