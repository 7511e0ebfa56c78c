import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../setup/stack';
import { createClientWithKey, readSse, signUpAdmin, waitForDocument } from '../factories';
import { docxXml, makeDocx } from '../../activities/parse/test-fixtures';

const plansDocx = () =>
  makeDocx({
    body:
      docxXml.heading('Membership plans') +
      docxXml.table([
        ['Plan', 'Monthly price', 'Guest passes'],
        ['Basic', '29 EUR', '1'],
        ['Premium', '59 EUR', '4'],
        ['Family', '89 EUR', '6'],
      ]) +
      docxXml.paragraph('All plans can be cancelled with 30 days notice.'),
  });

describe('grounded answers from the local answerer, across prose, tables and CSV rows', () => {
  let stack: TestStack;
  let apiKey: string;

  beforeAll(async () => {
    stack = await startTestStack({ database: 'pglite', redis: false });
    const { admin } = await signUpAdmin(stack.url);
    const created = await createClientWithKey(admin);
    apiKey = created.apiKey;
    const files: Array<[string, Uint8Array | string]> = [
      ['plans.docx', await plansDocx()],
      [
        'staff.csv',
        'name,role,office,phone\nIngrid Berg,Head coach,Bergen,555-0101\nTomas Lind,Nutritionist,Oslo,555-0102\nSara Holm,Physiotherapist,Trondheim,555-0103\n',
      ],
      [
        'faq.txt',
        'Opening hours\n\nThe gym is open from 05:30 to 23:00 on weekdays and from 08:00 to 20:00 at weekends.\n\nParking\n\nMembers park for free in the basement garage for up to three hours.',
      ],
    ];
    for (const [name, bytes] of files) {
      const upload = await admin.upload(created.client.id, name, bytes);
      expect((await waitForDocument(admin, upload.data.document.id)).status).toBe('ready');
    }
  });
  afterAll(async () => {
    await stack?.close();
  });

  it.each([
    ['How much does the Premium plan cost per month?', /59 EUR/, 'plans.docx'],
    [
      'How many guest passes does the Family plan include?',
      /Family; Monthly price: 89 EUR; Guest passes: 6/,
      'plans.docx',
    ],
    ['What notice period applies to cancelling?', /30 days/, 'plans.docx'],
    ['Who is the nutritionist?', /Tomas Lind/, 'staff.csv'],
    ['What is the phone number of Sara Holm?', /555-0103/, 'staff.csv'],
    ['Which office does Ingrid Berg work in?', /Bergen/, 'staff.csv'],
    ['When does the gym open at weekends?', /08:00/, 'faq.txt'],
    ['How long can members park for free?', /three hours/, 'faq.txt'],
  ])('%s', async (question, fact, file) => {
    const response = await fetch(new URL('/chat/stream', stack.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ message: question }),
    });
    const events = await readSse(response);
    const answer = events
      .filter((event) => event.event === 'token')
      .map((event) => event.data.text)
      .join('');
    expect(answer).toMatch(fact);
    expect(events.find((event) => event.event === 'sources')!.data.sources[0].filename).toBe(file);
  });

  it('says plainly when the documents do not cover the question', async () => {
    const response = await fetch(new URL('/chat', stack.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ message: 'What is the capital of Mongolia?' }),
    });
    const body = await response.json();
    expect(body.answer).toMatch(/couldn.t find|not cover|don.t have/i);
  });
});
