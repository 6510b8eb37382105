// The five predefined XML entities and character references (XML 1.0, §4.6 "Predefined Entities": lt, gt, amp,
// apos, quot; §4.1 character references). Code review T17: a mutation decoding &apos; as '"' survived the
// ingest suites.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEntities, parseXml } from '../../src/ingest/xml.ts';

test('each predefined entity decodes to its own character', () => {
  assert.equal(decodeEntities('&lt;&gt;&amp;&apos;&quot;'), `<>&'"`);
  assert.equal(decodeEntities('Crohn&apos;s disease'), "Crohn's disease");
  assert.equal(decodeEntities('&#39;&#x27;&#8217;'), "''\u2019");
});

test('entities in text and attribute values of a record', () => {
  const root = parseXml(`<A t='it&apos;s'>O&apos;Brien &quot;x&quot;</A>`);
  assert.equal(root.attrs?.t, "it's");
  assert.deepEqual(root.children, [`O'Brien "x"`]);
});
