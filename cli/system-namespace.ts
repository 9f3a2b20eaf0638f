/** The namespace of weft's admin workflow (docs/admin-api.md). */
export const SYSTEM_NAMESPACE = 'system';
