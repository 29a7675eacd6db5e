import { useTranslation } from 'react-i18next';

/** The options of a subdistrict or committee select, named in the reader's language. */
export function PlaceOptions({ places }: { places: { id: string; name: string; nameEn: string }[] }) {
  const { i18n } = useTranslation();
  const en = i18n.language === 'en';
  return (
    <>
      {places.map((p) => <option key={p.id} value={p.id}>{en ? p.nameEn : p.name}</option>)}
    </>
  );
}
