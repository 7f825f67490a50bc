import { join } from 'node:path';
import ts from 'typescript';

/** A rendered Kubernetes object, as parsed from YAML. */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly [field: string]: unknown;
}

/** `Deployment/userdata`: how problems name an object. */
export function objectId(object: KubernetesObject): string {
  return `${object.kind}/${object.metadata?.name}`;
}

/** The module of kubernetes-models that models a kind: `apps/v1` + `Deployment` → `kubernetes-models/apps/v1/Deployment`. */
function modelModule(object: KubernetesObject): string {
  return `kubernetes-models/${object.apiVersion}/${object.kind}`;
}

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

/**
 * Validates each object against the Kubernetes OpenAPI schema of its kind with kubernetes-models, whose validators are
 * compiled from those schemas: types, formats, enums and required fields. It does not see misspelled fields, since
 * the schemas allow unknown properties (the API server drops them; kubectl's strict validation refuses them), so
 * unknownFields() checks the names against the same library's type declarations.
 */
export async function schemaProblems(objects: readonly KubernetesObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const object of objects) {
    let Kind: ModelClass | undefined;
    try {
      // kubernetes-models is ESM only: import(), which a CommonJS module can do.
      const module = (await import(modelModule(object))) as Record<string, ModelClass>;
      Kind = module[object.kind];
    } catch {
      Kind = undefined;
    }
    if (!Kind) {
      problems.push(`${objectId(object)}: no schema for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new Kind(object).validate();
    } catch (error) {
      problems.push(`${objectId(object)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return [...problems, ...unknownFields(objects)];
}

const compilerOptions: ts.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es5.d.ts'],
  types: [],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
};

/**
 * Every field that the kind's declarations in kubernetes-models do not name, at any depth, as `Kind/name: path`.
 * The declarations are generated from the same OpenAPI schema as the validators.
 */
export function unknownFields(objects: readonly KubernetesObject[]): string[] {
  const { typeOfKind, checker, unresolved } = declarationsOf([...new Set(objects.map(modelModule))]);
  const problems: string[] = [];
  for (const object of objects) {
    const type = typeOfKind.get(modelModule(object));
    if (!type || (type.flags & ts.TypeFlags.Any) !== 0) {
      problems.push(`${objectId(object)}: no declarations for ${object.apiVersion} ${object.kind}${unresolved}`);
      continue;
    }
    walk(checker, object, type, '', (path) => problems.push(`${objectId(object)}: unknown field ${path}`));
  }
  return problems;
}

interface Declarations {
  readonly checker: ts.TypeChecker;
  readonly typeOfKind: ReadonlyMap<string, ts.Type>;
  /** Why a module did not resolve, for the message. */
  readonly unresolved: string;
}

/** A compiler program costs a second or two: one per set of kinds is enough. */
const declarationsCache = new Map<string, Declarations>();

function declarationsOf(kinds: readonly string[]): Declarations {
  const key = [...kinds].sort().join(' ');
  const cached = declarationsCache.get(key);
  if (cached) return cached;
  // A module only the compiler sees, one type alias per kind; resolved from this folder, so that it finds
  // node_modules/kubernetes-models like any other file of the project.
  const file = join(__dirname, '__kubernetes-kinds.ts');
  const source = kinds
    .map((module, i) => `export type Kind${i} = import(${JSON.stringify(module)}).I${module.split('/').pop()};`)
    .join('\n');
  const host = ts.createCompilerHost(compilerOptions);
  const readSource = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === file ? ts.createSourceFile(name, source, language) : readSource(name, language, ...rest);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], compilerOptions, host);
  const checker = program.getTypeChecker();
  const sourceFile = program.getSourceFile(file);
  if (!sourceFile) throw new Error('The compiler lost the module of kinds');
  const diagnostics = program.getSemanticDiagnostics(sourceFile);
  const typeOfKind = new Map<string, ts.Type>();
  sourceFile.statements.filter(ts.isTypeAliasDeclaration).forEach((alias, i) => {
    const module = kinds[i];
    if (module) typeOfKind.set(module, checker.getTypeAtLocation(alias.name));
  });
  const why = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')).join('; ');
  const declarations = { checker, typeOfKind, unresolved: why ? ` (${why})` : '' };
  declarationsCache.set(key, declarations);
  return declarations;
}

function walk(
  checker: ts.TypeChecker,
  value: unknown,
  declared: ts.Type,
  path: string,
  unknown: (path: string) => void,
) {
  const type = checker.getNonNullableType(declared);
  if ((type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0) return;
  if (Array.isArray(value)) {
    const element = arrayElement(checker, type);
    if (!element) return;
    for (const [i, item] of value.entries()) walk(checker, item, element, `${path}[${i}]`, unknown);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  // IntOrString and the like are unions; an object matches one of their object members.
  const members = (type.isUnion() ? type.types : [type]).filter((t) => (t.flags & ts.TypeFlags.Object) !== 0);
  if (members.length === 0) return;
  for (const [key, field] of Object.entries(value)) {
    const where = path ? `${path}.${key}` : key;
    const property = members.map((member) => checker.getPropertyOfType(member, key)).find(Boolean);
    if (property) {
      walk(checker, field, checker.getTypeOfSymbol(property), where, unknown);
      continue;
    }
    const map = members.map((member) => checker.getIndexInfoOfType(member, ts.IndexKind.String)).find(Boolean);
    if (map) walk(checker, field, map.type, where, unknown);
    else unknown(where);
  }
}

function arrayElement(checker: ts.TypeChecker, type: ts.Type): ts.Type | undefined {
  if (checker.isArrayType(type)) return checker.getTypeArguments(type as ts.TypeReference)[0];
  return type.getNumberIndexType();
}
