// Office Math (OMML) to linear text, for the extraction worker (plain .mjs for the same reason as
// extraction-worker.mjs). mammoth drops m:oMath entirely; this rewrites each equation in
// word/document.xml into an ordinary run holding its linear form before mammoth reads the file.
import { parseDocument } from 'htmlparser2';

/** OMML elements holding properties, never content. */
const PROPERTIES = /Pr$/;

function children(node) {
  return (node.children ?? []).filter((child) => child.type === 'tag' && !PROPERTIES.test(child.name));
}

function child(node, name) {
  return (node.children ?? []).find((candidate) => candidate.type === 'tag' && candidate.name === name);
}

/** A property value such as <m:chr m:val="∑"/> inside <m:naryPr>. */
function property(node, propertiesName, name) {
  const element = child(child(node, propertiesName) ?? {}, name);
  return element?.attribs?.['m:val'];
}

/** Wraps a part in parentheses when it is more than one symbol or number ("P" stays, "a+b" → "(a+b)"). */
function group(text) {
  return /^[\p{L}\p{N}.,]+$/u.test(text) || /^\(.*\)$/.test(text) ? text : `(${text})`;
}

function linear(node) {
  if (node.type === 'text') return node.data;
  if (node.type !== 'tag') return '';
  const part = (name) => linear(child(node, name) ?? {});
  switch (node.name) {
    case 'm:t':
    case 'w:t':
      return (node.children ?? []).map(linear).join('');
    case 'm:f':
      return `${group(part('m:num'))}/${group(part('m:den'))}`;
    case 'm:sSup':
      return `${part('m:e')}^${group(part('m:sup'))}`;
    case 'm:sSub':
      return `${part('m:e')}_${group(part('m:sub'))}`;
    case 'm:sSubSup':
      return `${part('m:e')}_${group(part('m:sub'))}^${group(part('m:sup'))}`;
    case 'm:sPre':
      return `_${group(part('m:sub'))}^${group(part('m:sup'))}${part('m:e')}`;
    case 'm:rad': {
      const degree = part('m:deg');
      return `${degree ? `${group(degree)}` : ''}√${group(part('m:e'))}`;
    }
    case 'm:d': {
      const open = property(node, 'm:dPr', 'm:begChr') ?? '(';
      const close = property(node, 'm:dPr', 'm:endChr') ?? ')';
      const separator = property(node, 'm:dPr', 'm:sepChr') ?? ',';
      const inner = (node.children ?? []).filter((candidate) => candidate.name === 'm:e').map(linear);
      return `${open}${inner.join(separator)}${close}`;
    }
    case 'm:nary': {
      const operator = property(node, 'm:naryPr', 'm:chr') ?? '∫';
      const lower = part('m:sub');
      const upper = part('m:sup');
      return `${operator}${lower ? `_${group(lower)}` : ''}${upper ? `^${group(upper)}` : ''} ${part('m:e')}`;
    }
    case 'm:func':
      return `${part('m:fName')} ${group(part('m:e'))}`;
    case 'm:limLow':
      return `${part('m:e')}_${group(part('m:lim'))}`;
    case 'm:limUpp':
      return `${part('m:e')}^${group(part('m:lim'))}`;
    case 'm:bar':
    case 'm:acc':
    case 'm:groupChr':
    case 'm:box':
    case 'm:borderBox':
      return part('m:e');
    case 'm:eqArr':
      return (node.children ?? [])
        .filter((candidate) => candidate.name === 'm:e')
        .map(linear)
        .join('; ');
    case 'm:m':
      return `[${children(node)
        .map((row) => children(row).map(linear).join(', '))
        .join('; ')}]`;
    default:
      return children(node).map(linear).join('') + textChildren(node);
  }
}

function textChildren(node) {
  return (node.children ?? [])
    .filter((candidate) => candidate.type === 'text' && node.name === 'm:t')
    .map((text) => text.data)
    .join('');
}

function escapeXml(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Matches one display equation (m:oMathPara) or one inline equation (m:oMath) not inside one. */
const EQUATION = /<m:oMathPara\b[^>]*>[\s\S]*?<\/m:oMathPara>|<m:oMath\b[^>]*>[\s\S]*?<\/m:oMath>/g;

/**
 * Replaces every Office Math equation in a WordprocessingML part by a run with its linear text:
 * fractions as a/b (parenthesised when compound), scripts as x^2 and x_i, radicals as √x,
 * n-ary operators as ∑_(i=1)^n, delimiters with their own characters; "D=P/12+r". The display
 * form m:oMathPara (its equations joined by a space) sits in a paragraph, the inline m:oMath in a
 * run's place: a w:r is valid in both.
 */
export function linearizeMath(xml) {
  if (!xml.includes('<m:oMath')) return xml;
  return xml.replace(EQUATION, (equation) => {
    const root = parseDocument(equation, { xmlMode: true, decodeEntities: true });
    const text = root.children.map(linear).join(' ').replace(/\s+/g, ' ').trim();
    return text ? `<w:r><w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r>` : '';
  });
}
