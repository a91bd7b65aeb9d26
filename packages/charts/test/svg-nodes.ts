/** Reading a rendered chart back: its mark elements and its text, from svgson's tree. */
import type { INode } from 'svgson';

function walk(node: INode, visit: (n: INode) => void): void {
  visit(node);
  for (const c of node.children) walk(c, visit);
}

/** Child elements of every mark group whose class includes `markClass` (e.g. 'mark-line'). */
export function marks(svg: INode, markClass: string): INode[] {
  const out: INode[] = [];
  walk(svg, (n) => {
    const cls = n.attributes.class ?? '';
    if (n.name === 'g' && cls.split(' ').includes(markClass) && cls.includes('role-mark')) out.push(...n.children.filter((c) => c.name !== 'title'));
  });
  return out;
}

/** Every non-empty text node (titles, axis titles and labels, legend entries). */
export function texts(svg: INode): string[] {
  const out: string[] = [];
  walk(svg, (n) => {
    if (n.type === 'text' && n.value.trim()) out.push(n.value.trim());
  });
  return out;
}
