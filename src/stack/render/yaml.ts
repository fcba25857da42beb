// YAML out of the renderers (compose and Swarm stack files), written so that a
// YAML 1.1 reader (compose v1, PyYAML) and a YAML 1.2 reader (compose v2, the
// docker CLI) read the same values.
import { Document, isScalar, isSeq, Scalar, visit } from 'yaml';

/** Plain scalars PyYAML (YAML 1.1) would not read back as the same string. */
const YAML11_SPECIAL =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|)$/;

/**
 * Every string value is double-quoted (so "yes", "0755" or "1:30" stay strings
 * under YAML 1.1 too); keys stay plain unless YAML 1.1 would misread them (an
 * env var named ON); lists of scalars are written on one line.
 */
export function toYaml(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && typeof pair.key.value === 'string' && YAML11_SPECIAL.test(pair.key.value))
        pair.key.type = Scalar.QUOTE_DOUBLE;
    },
    Seq(_, seq) {
      if (isSeq(seq) && seq.items.every((i) => isScalar(i))) seq.flow = true;
    },
  });
  return doc.toString({
    defaultStringType: 'QUOTE_DOUBLE',
    defaultKeyType: 'PLAIN',
    lineWidth: 0,
    flowCollectionPadding: false,
  });
}
