/** What a redacted query value reads as in logs. */
export const REDACTED = '[redacted]';

/**
 * A request URL fit for logs: the path as it is, each query value replaced by REDACTED and the
 * names kept (`/a?token=s3cret&x=1` → `/a?token=[redacted]&x=[redacted]`), since query strings
 * carry tokens, keys and personal data. A name without `=` stays as it is.
 */
export function redactUrl(url: string): string {
  const question = url.indexOf('?');
  if (question === -1) return url;
  const hash = url.indexOf('#', question);
  const query = url.slice(question + 1, hash === -1 ? undefined : hash);
  if (query === '') return url.slice(0, question);
  const parts = query.split('&').map((part) => {
    const equals = part.indexOf('=');
    return equals === -1 ? part : `${part.slice(0, equals)}=${REDACTED}`;
  });
  return `${url.slice(0, question)}?${parts.join('&')}`;
}
