import { describe, expect, it } from 'vitest';
import { uploadErrorMessage } from './upload';

describe('uploadErrorMessage', () => {
  it('shows the API error message as it is', () => {
    expect(
      uploadErrorMessage(
        415,
        JSON.stringify({
          error: { code: 'unsupported_file_type', message: 'This file is an HTML web page, not a PDF.' },
        }),
      ),
    ).toBe('This file is an HTML web page, not a PDF.');
  });

  it('explains statuses that arrive without a JSON body', () => {
    expect(uploadErrorMessage(413, '<html>Request Entity Too Large</html>')).toMatch(/too large/);
    expect(uploadErrorMessage(401, '')).toMatch(/Log in again/);
    expect(uploadErrorMessage(502, 'Bad gateway')).toMatch(/HTTP 502/);
  });
});
