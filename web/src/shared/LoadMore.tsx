import { useTranslation } from 'react-i18next';

/** 加载更多 under a keyset-paged list (useKeysetList): shown while a next page exists, off while one loads. */
export function LoadMore({ list, testId, className = 'btn' }: { list: { cursor: string | null; loading: boolean; loadMore: () => void }; testId: string; className?: string }) {
  const { t } = useTranslation();
  if (!list.cursor) return null;
  return (
    <button type="button" className={className} disabled={list.loading} onClick={list.loadMore} data-testid={testId}>
      {t('common.loadMore')}
    </button>
  );
}
