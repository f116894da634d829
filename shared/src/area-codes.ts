/**
 * CBS area codes: GMgggg, WKggggww, BUggggwwbb. Since 2022 the wijk and buurt parts may hold
 * capital letters (Amsterdam's WK0363AA), so they are alphanumeric here.
 */
export const AREA_CODE_PATTERN = /^(GM\d{4}|WK\d{4}[0-9A-Z]{2}|BU\d{4}[0-9A-Z]{4})$/;
export const PARENT_AREA_CODE_PATTERN = /^(GM\d{4}|WK\d{4}[0-9A-Z]{2})$/;
