import { useEffect, useState } from 'react';
import { fetchBlob } from '../../auth/api/http';
import { useI18n } from '../../i18n/i18n-context';
import type { TimelineEntry } from '@gc/contracts';

type Item = NonNullable<TimelineEntry['attachments']>[number];
const OURS = /^\/api\/attachments\/[0-9a-f-]{36}$/;

/** One of our attachments: fetched with the session's token (an <img src> cannot send it), shown as a thumbnail or a link. */
function Stored({ item }: { item: Item }) {
  const { t } = useI18n();
  const [blob, setBlob] = useState<{ url: string; type: string } | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let url: string | null = null;
    let live = true;
    fetchBlob(item.url).then(
      (b) => {
        url = URL.createObjectURL(b);
        if (live) setBlob({ url, type: b.type });
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [item.url]);
  const label = item.name ?? t('detail.attachment');
  if (failed) return <span className="attachment muted">{t('detail.attachmentMissing')}</span>;
  if (!blob) return <span className="attachment muted">{label}…</span>;
  return (
    <a className="attachment" href={blob.url} target="_blank" rel="noopener noreferrer" title={label} data-testid="attachment">
      {blob.type.startsWith('image/') ? <img src={blob.url} alt={label} /> : label}
    </a>
  );
}

/** A timeline entry's photos and documents. */
export function Attachments({ items }: { items: Item[] }) {
  return (
    <div className="attachments">
      {items.map((item) =>
        OURS.test(item.url) ? (
          <Stored key={item.url} item={item} />
        ) : (
          <a key={item.url} className="attachment" href={item.url} target="_blank" rel="noopener noreferrer">
            {item.name ?? item.url}
          </a>
        ),
      )}
    </div>
  );
}
