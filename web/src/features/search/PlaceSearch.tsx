import { useState } from 'react';
import { PlaceListSchema, type Place } from '@kwartier/shared';
import { useI18n } from '../../i18n/I18nContext.tsx';

/**
 * "Near": type an address, postcode, place, buurt or the name of an asset, then choose one of
 * the places found. The server asks PDOK's Locatieserver when it is configured.
 */
export function PlaceSearch({ onChoose, insideForm = false }: { onChoose: (place: Place) => void; insideForm?: boolean }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [places, setPlaces] = useState<Place[] | null>(null);
  const [busy, setBusy] = useState(false);

  const search = async (event: React.FormEvent | React.KeyboardEvent | React.MouseEvent) => {
    event.preventDefault();
    // Inside another form (the contribute form) this search must not submit that form too.
    event.stopPropagation();
    if (text.trim().length < 2) return;
    setBusy(true);
    try {
      const response = await fetch(`/api/places?q=${encodeURIComponent(text.trim())}`);
      setPlaces(response.ok ? PlaceListSchema.parse(await response.json()).items : []);
    } catch {
      setPlaces([]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="place-search">
      {insideForm ? (
        // A form may not hold another form: here Enter and the button search without one.
        <div className="form" role="search">
          <label>
            <span className="visually-hidden">{t.placeSearch}</span>
            <input type="search" value={text} onChange={(event) => setText(event.target.value)} placeholder={t.placeSearch} maxLength={100}
              onKeyDown={(event) => { if (event.key === 'Enter') void search(event); }} />
          </label>
          <button type="button" className="find" disabled={busy} onClick={(event) => void search(event)}>{t.find}</button>
        </div>
      ) : (
        <form onSubmit={search} role="search">
          <label>
            <span className="visually-hidden">{t.placeSearch}</span>
            <input type="search" value={text} onChange={(event) => setText(event.target.value)} placeholder={t.placeSearch} maxLength={100} />
          </label>
          <button type="submit" disabled={busy}>{t.find}</button>
        </form>
      )}
      {places !== null ? (
        places.length === 0 ? (
          <p className="hint" role="status">{t.noPlaces}</p>
        ) : (
          <ul className="places" aria-label={t.placesFound}>
            {places.map((place) => (
              <li key={`${place.type}:${place.label}:${place.lat}`}>
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    setPlaces(null);
                    setText(place.label);
                    onChoose(place);
                  }}
                >
                  {place.label} <span className="meta">({t.placeTypes[place.type]})</span>
                </button>
              </li>
            ))}
          </ul>
        )
      ) : null}
    </div>
  );
}
