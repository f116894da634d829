import { ASSET_KINDS, CATEGORIES, CHARACTERISTICS, INCLUSION_FEATURES, SOCIAL_CAPITAL_TYPES, TARGET_GROUPS, type Asset, type Label } from '@kwartier/shared';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { ScheduleText } from '../../components/ScheduleText.tsx';

function labelsOf(codes: string[], terms: ReadonlyArray<{ code: string; label: Label }>, label: (l: Label) => string) {
  return codes.map((code) => terms.find((term) => term.code === code)).filter((term) => term !== undefined).map((term) => label(term.label));
}

/** Everything public about an asset, in the order a social worker reads it. */
export function AssetDetail({ asset, onClose }: { asset: Asset; onClose: () => void }) {
  const { t, label } = useI18n();
  const kind = ASSET_KINDS.find((k) => k.code === asset.kind)!;
  const category = CATEGORIES.find((c) => c.code === asset.category);
  const welcomes = labelsOf(asset.targetGroups, TARGET_GROUPS, label);
  const inclusion = labelsOf(asset.inclusionFeatures, INCLUSION_FEATURES, label);
  const address = [asset.address.street, asset.address.houseNumber].filter(Boolean).join(' ');
  return (
    <article className="detail" aria-labelledby="detail-title" data-testid="detail">
      <header>
        <h2 id="detail-title" tabIndex={-1}>{asset.name}</h2>
        <button type="button" className="close" onClick={onClose} aria-label={t.close}>×</button>
      </header>
      <p className="meta">{label(kind.label)}{category ? ` · ${label(category.label)}` : ''}</p>
      {asset.provenance.isSample ? <p className="badge">{t.sample}</p> : null}
      {asset.description ? <p>{asset.description}</p> : null}
      {welcomes.length > 0 ? (<><h3>{t.detailWelcomes}</h3><p>{welcomes.join(', ')}</p></>) : null}
      {inclusion.length > 0 ? (<><h3>{t.detailInclusion}</h3><ul className="chips">{inclusion.map((i) => <li key={i}>{i}</li>)}</ul></>) : null}
      <h3>{t.detailWhen}</h3>
      <ScheduleText schedule={asset.schedule} />
      <h3>{t.detailWhere}</h3>
      <p>
        {[address, asset.address.postcode, asset.address.city].filter(Boolean).join(', ') || '—'}
        {asset.buurt ? <><br />{asset.buurt.name}{asset.wijk ? `, ${asset.wijk.name}` : ''}</> : null}
        {asset.precision !== 'exact' ? <><br /><em>{t.approximate}</em></> : null}
      </p>
      {Object.keys(asset.contact).length > 0 ? (
        <>
          <h3>{t.detailContact}</h3>
          <ul>
            {asset.contact.contactPerson ? <li>{asset.contact.contactPerson}</li> : null}
            {asset.contact.phone ? <li><a href={`tel:${asset.contact.phone.replace(/[^+\d]/g, '')}`}>{asset.contact.phone}</a></li> : null}
            {asset.contact.email ? <li><a href={`mailto:${asset.contact.email}`}>{asset.contact.email}</a></li> : null}
            {asset.contact.website ? <li><a href={asset.contact.website} rel="noopener noreferrer" target="_blank">{asset.contact.website}</a></li> : null}
          </ul>
        </>
      ) : null}
      {asset.characteristics.length > 0 ? (<><h3>{t.detailCharacteristics}</h3><p>{labelsOf(asset.characteristics, CHARACTERISTICS, label).join(', ')}</p></>) : null}
      {asset.socialCapital.length > 0 ? (<><h3>{t.detailSocialCapital}</h3><p>{labelsOf(asset.socialCapital, SOCIAL_CAPITAL_TYPES, label).join(', ')}</p></>) : null}
    </article>
  );
}
