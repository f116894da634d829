import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ApiErrorSchema,
  HsdsIdParamsSchema,
  HsdsLanguageQuerySchema,
  HsdsOrganizationListQuerySchema,
  HsdsOrganizationListSchema,
  HsdsOrganizationSchema,
  HsdsRootSchema,
  HsdsServiceAtLocationListQuerySchema,
  HsdsServiceAtLocationListSchema,
  HsdsServiceAtLocationSchema,
  HsdsServiceListQuerySchema,
  HsdsServiceListSchema,
  HsdsServiceSchema,
  HsdsTaxonomyListQuerySchema,
  HsdsTaxonomySchema,
  HsdsTaxonomyTermListQuerySchema,
  HsdsTaxonomyTermSchema,
  hsdsPageSchema,
} from '@kwartier/shared';
import * as service from './hsds.service.ts';

export type HsdsRoutesOptions = { locatieserverUrl: string | null };

const tags = ['hsds'];
const notes =
  'Open Referral HSDS 3.0.1, after its OpenAPI template: what anyone may see of the published assets. ' +
  '`lang` (nl, default, or en) chooses the language of taxonomy terms and of the texts Kwartier writes.';
const placeNotes =
  '`postcode` lists nearest first from the centre of a Dutch postcode, within `proximity` metres (2000 by default); ' +
  '`lat` and `lon` do the same from a point. `full=true` sends fully nested objects.';

// Fully nested first: a union keeps the first schema that fits, and a full object also fits the short one.
const ServicePageSchema = hsdsPageSchema(z.union([HsdsServiceSchema, HsdsServiceListSchema]));
const ServiceAtLocationPageSchema = hsdsPageSchema(z.union([HsdsServiceAtLocationSchema, HsdsServiceAtLocationListSchema]));
const OrganizationPageSchema = hsdsPageSchema(z.union([HsdsOrganizationSchema, HsdsOrganizationListSchema]));

export const hsdsRoutes: FastifyPluginAsyncZod<HsdsRoutesOptions> = async (app, { locatieserverUrl }) => {
  const context = () => ({ db: app.db, locatieserverUrl, log: app.log });

  app.get('/hsds', {
    schema: { tags, summary: 'The HSDS version of this API', response: { 200: HsdsRootSchema } },
    handler: async () => service.hsdsRoot(),
  });

  app.get('/hsds/services', {
    schema: {
      tags,
      summary: 'HSDS services, a page at a time',
      description: `${notes} ${placeNotes}`,
      querystring: HsdsServiceListQuerySchema,
      response: { 200: ServicePageSchema, 400: ApiErrorSchema },
    },
    handler: async (request) => service.listHsdsServices(context(), request.query),
  });

  app.get('/hsds/services/:id', {
    schema: {
      tags,
      summary: 'One HSDS service, fully nested (service_full)',
      description: notes,
      params: HsdsIdParamsSchema,
      querystring: HsdsLanguageQuerySchema,
      response: { 200: HsdsServiceSchema, 400: ApiErrorSchema, 404: ApiErrorSchema },
    },
    handler: async (request) => service.getHsdsService(app.db, request.params.id, request.query.lang),
  });

  app.get('/hsds/service_at_locations', {
    schema: {
      tags,
      summary: 'HSDS services at their locations, a page at a time',
      description: `${notes} Only what is shown at its exact place has a location. ${placeNotes}`,
      querystring: HsdsServiceAtLocationListQuerySchema,
      response: { 200: ServiceAtLocationPageSchema, 400: ApiErrorSchema },
    },
    handler: async (request) => service.listHsdsServiceAtLocations(context(), request.query),
  });

  app.get('/hsds/service_at_locations/:id', {
    schema: {
      tags,
      summary: 'One HSDS service at its location, fully nested',
      description: notes,
      params: HsdsIdParamsSchema,
      querystring: HsdsLanguageQuerySchema,
      response: { 200: HsdsServiceAtLocationSchema, 400: ApiErrorSchema, 404: ApiErrorSchema },
    },
    handler: async (request) => service.getHsdsServiceAtLocation(app.db, request.params.id, request.query.lang),
  });

  app.get('/hsds/organizations', {
    schema: {
      tags,
      summary: 'HSDS organizations, a page at a time',
      description: notes,
      querystring: HsdsOrganizationListQuerySchema,
      response: { 200: OrganizationPageSchema, 400: ApiErrorSchema },
    },
    handler: async (request) => service.listHsdsOrganizations(app.db, request.query),
  });

  app.get('/hsds/organizations/:id', {
    schema: {
      tags,
      summary: 'One HSDS organization, with its location and services',
      description: notes,
      params: HsdsIdParamsSchema,
      querystring: HsdsLanguageQuerySchema,
      response: { 200: HsdsOrganizationSchema, 400: ApiErrorSchema, 404: ApiErrorSchema },
    },
    handler: async (request) => service.getHsdsOrganization(app.db, request.params.id, request.query.lang),
  });

  app.get('/hsds/taxonomies', {
    schema: {
      tags,
      summary: "Kwartier's taxonomies",
      description: notes,
      querystring: HsdsTaxonomyListQuerySchema,
      response: { 200: hsdsPageSchema(HsdsTaxonomySchema), 400: ApiErrorSchema },
    },
    handler: async (request) => service.listHsdsTaxonomies(request.query),
  });

  app.get('/hsds/taxonomies/:id', {
    schema: {
      tags,
      summary: 'One taxonomy',
      params: HsdsIdParamsSchema,
      querystring: HsdsLanguageQuerySchema,
      response: { 200: HsdsTaxonomySchema, 400: ApiErrorSchema, 404: ApiErrorSchema },
    },
    handler: async (request) => service.getHsdsTaxonomy(request.params.id, request.query.lang),
  });

  app.get('/hsds/taxonomy_terms', {
    schema: {
      tags,
      summary: "The terms of Kwartier's taxonomies",
      description: notes,
      querystring: HsdsTaxonomyTermListQuerySchema,
      response: { 200: hsdsPageSchema(HsdsTaxonomyTermSchema), 400: ApiErrorSchema },
    },
    handler: async (request) => service.listHsdsTaxonomyTerms(request.query),
  });

  app.get('/hsds/taxonomy_terms/:id', {
    schema: {
      tags,
      summary: 'One taxonomy term',
      params: HsdsIdParamsSchema,
      querystring: HsdsLanguageQuerySchema,
      response: { 200: HsdsTaxonomyTermSchema, 400: ApiErrorSchema, 404: ApiErrorSchema },
    },
    handler: async (request) => service.getHsdsTaxonomyTerm(request.params.id, request.query.lang),
  });
};
