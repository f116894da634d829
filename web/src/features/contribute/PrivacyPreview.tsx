import { ASSET_KINDS, CATEGORIES, SKILLS, type Address, type Contact } from '@kwartier/shared';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { ScheduleText } from '../../components/ScheduleText.tsx';
import { type AssetDraft, addressOf, contactOf } from './assetForm.ts';
import { isExactInPublic, publicAddress, publicContact, withheld } from './visibility.ts';

/**
 * Who sees what, as the form stands: the public, professionals only, and nobody but the author
 * and the moderators. It follows every choice in the form, so the consent below is to this.
 */
export function PrivacyPreview({ draft, hasPlace }: { draft: AssetDraft; hasPlace: boolean }) {
  const { t, label } = useI18n();
  const kind = draft.kind || 'initiative';
  const entry = { kind, precision: draft.precision };
  const contact = contactOf(draft);
  const address = addressOf(draft);
  const shownContact = publicContact(entry, contact);
  const shownAddress = publicAddress(entry, address);
  const hiddenContact = withheld(contact, shownContact);
  const hiddenAddress = withheld(address, shownAddress);
  const shared = draft.shareContactWithProfessionals ? hiddenContact : [];
  const privateContact = hiddenContact.filter((key) => !shared.includes(key));
  const exact = isExactInPublic(entry);
  const kindLabel = ASSET_KINDS.find((k) => k.code === draft.kind);
  const category = CATEGORIES.find((c) => c.code === draft.category);

  const contactLine = (fields: Contact, keys: Array<keyof Contact>) =>
    keys.map((key) => `${t.contribute.contactFields[key]}${fields[key] ? `: ${fields[key]}` : ''}`);
  const addressText = (fields: Address) => [[fields.street, fields.houseNumber].filter(Boolean).join(' '), fields.postcode, fields.city].filter(Boolean).join(', ');

  return (
    <section className="privacy-preview" aria-labelledby="privacy-heading" data-testid="privacy-preview">
      <h3 id="privacy-heading">{t.contribute.whoSeesWhat}</h3>
      <div className="privacy-blocks">
        <div className="privacy-block public">
          <h4>{t.contribute.publicTitle}</h4>
          <p className="hint">{t.contribute.publicIntro}</p>
          <ul>
            <li>{draft.name.trim() || t.contribute.theName}{kindLabel ? ` · ${label(kindLabel.label)}` : ''}{category ? ` · ${label(category.label)}` : ''}</li>
            {draft.description.trim() ? <li>{t.contribute.theDescription}</li> : null}
            <li>
              {!hasPlace ? t.contribute.placeNotChosen : exact ? t.contribute.placeExact : draft.precision === 'street' ? t.contribute.placeStreet : t.contribute.placeBuurt}
            </li>
            {addressText(shownAddress) ? <li>{t.contribute.addressShown(addressText(shownAddress))}</li> : null}
            {contactLine(shownContact, Object.keys(shownContact) as Array<keyof Contact>).map((line) => <li key={line}>{line}</li>)}
            <li>{t.contribute.scheduleAndTags}</li>
            {kind === 'talent' && draft.skills.length > 0 ? <li>{t.matching.previewSkills(draft.skills.map((code) => label(SKILLS.find((s) => s.code === code)!.label)).join(', '))}</li> : null}
          </ul>
          {draft.schedule.meetings.length + draft.schedule.openingHours.length > 0 || draft.schedule.alwaysOpen || draft.schedule.note.trim() ? (
            <div className="schedule-preview"><ScheduleText schedule={{ ...draft.schedule, meetings: draft.schedule.meetings.map(({ anchorDate: _a, ...m }) => ({ ...m, weeksOfMonth: m.weeksOfMonth as Array<1 | 2 | 3 | 4 | 5 | -1> })) }} /></div>
          ) : null}
        </div>
        <div className="privacy-block professionals">
          <h4>{t.contribute.professionalsTitle}</h4>
          <p className="hint">{t.contribute.professionalsIntro}</p>
          {shared.length > 0 ? (
            <ul>{contactLine(contact, shared).map((line) => <li key={line}>{line}</li>)}</ul>
          ) : (
            <p>{hiddenContact.length > 0 ? t.contribute.nothingShared : t.contribute.nothingExtra}</p>
          )}
        </div>
        <div className="privacy-block private">
          <h4>{t.contribute.privateTitle}</h4>
          <p className="hint">{t.contribute.privateIntro}</p>
          <ul>
            {!exact ? <li>{t.contribute.exactPlace}</li> : null}
            {hiddenAddress.length > 0 ? <li>{t.contribute.addressParts(hiddenAddress.map((key) => t.contribute.addressFields[key]).join(', '))}</li> : null}
            {contactLine(contact, privateContact).map((line) => <li key={line}>{line}</li>)}
            {kind === 'talent' && draft.availability.length > 0 ? <li>{t.matching.previewAvailability}</li> : null}
            <li>{t.contribute.accountDetails}</li>
          </ul>
        </div>
      </div>
    </section>
  );
}
