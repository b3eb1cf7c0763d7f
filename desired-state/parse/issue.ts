import type { ValidationIssue } from '../model.js';

/** An issue found within one file, positioned already (the file path is added by the caller). */
export type FileIssue = Omit<ValidationIssue, 'file'>;
