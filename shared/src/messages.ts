import { z } from 'zod';

/**
 * Plain messages where zod's defaults speak to programmers: a missing field is "required",
 * not "expected number, received undefined". Loaded with the shared schemas, so the web app
 * and the API say the same.
 */
z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type' && issue.input === undefined) return 'required';
    return undefined;
  },
});
