/** Plain JSON: what job specs and results are made of, so they cross into a page and back unchanged. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
