import {
  AskMatchListSchema,
  CONSENT_TEXTS,
  MatchListSchema,
  MatchSchema,
  TalentCandidateListSchema,
  TalentProfileResultSchema,
  type Availability,
  type Match,
  type TalentProfile,
} from '@kwartier/shared';
import { request } from './client.ts';

/** Matching offers and asks: what fits a talent or a client, talents for an ask, and matches. */

const id = (value: string) => encodeURIComponent(value);
const matchConsent = () => ({ version: CONSENT_TEXTS.matchContact.version });

export const asksForTalent = (talentId: string, radius: number, signal?: AbortSignal) =>
  request(`/api/matching/talents/${id(talentId)}/asks?radius=${radius}&limit=20`, AskMatchListSchema, { signal });

export const setTalentProfile = (talentId: string, profile: TalentProfile) =>
  request(`/api/matching/talents/${id(talentId)}/profile`, TalentProfileResultSchema, { method: 'PUT', body: profile });

export type ClientDescription = {
  skills: string[];
  availability: Availability;
  needsInclusion: string[];
  location: { type: 'Point'; coordinates: [number, number] };
};

export const asksForClient = (client: ClientDescription, radius: number) =>
  request('/api/matching/client-asks', AskMatchListSchema, { method: 'POST', body: { ...client, radius, limit: 20 } });

export const talentsForAsk = (assetId: string, askIndex: number, radius: number, signal?: AbortSignal) =>
  request(`/api/matching/assets/${id(assetId)}/asks/${askIndex}/talents?radius=${radius}&limit=20`, TalentCandidateListSchema, { signal });

type Proposal = { assetId: string; askIndex: number; message?: string } & (
  | { talentId: string; asSide: boolean }
  | { candidate: string; asSide: boolean }
  | { client: ClientDescription & { label: string } }
);

/** A proposal; the proposer's consent goes with it when they are one of the sides. */
export function proposeMatch(proposal: Proposal): Promise<Match> {
  const { assetId, askIndex, message } = proposal;
  const body: Record<string, unknown> = { assetId, askIndex, ...(message ? { message } : {}) };
  if ('client' in proposal) {
    body.client = { ...proposal.client, consent: { version: CONSENT_TEXTS.clientMatch.version } };
    body.consent = matchConsent();
  } else {
    if ('talentId' in proposal) body.talentId = proposal.talentId;
    else body.candidate = proposal.candidate;
    if (proposal.asSide) body.consent = matchConsent();
  }
  return request('/api/matches', MatchSchema, { method: 'POST', body });
}

export const myMatches = (signal?: AbortSignal) => request('/api/me/matches', MatchListSchema, { signal }).then((list) => list.items);

export const decideMatch = (matchId: string, decision: 'accept' | 'decline' | 'withdraw') =>
  request(`/api/matches/${id(matchId)}/${decision}`, MatchSchema, {
    method: 'POST',
    body: decision === 'accept' ? { consent: matchConsent() } : {},
  });
