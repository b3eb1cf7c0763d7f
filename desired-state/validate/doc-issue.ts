import type { PathSegment } from '../parse/locate.js';

/** An issue inside one document, positioned by path; line and column are computed later. */
export interface DocIssue {
  path: PathSegment[];
  /** Point at the field's name rather than its value (unknown fields, duplicate names). */
  target?: 'key' | 'value';
  rule: string;
  message: string;
}
