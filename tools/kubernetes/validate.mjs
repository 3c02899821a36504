// Validates Kubernetes manifests against the OpenAPI schemas of kubernetes-models (Kubernetes' own types) and
// @kubernetes-models/prometheus-operator (ServiceMonitor, PrometheusRule), both pinned in package-lock.json.
//
//   node validate.mjs rendering.json [...]
//
// Each file is a JSON object {"name": "<what was rendered>", "manifests": [<resource>, ...]} (HelmChartSchemaTest
// writes them from `helm template`). Every resource must be of a known apiVersion/kind and valid against its schema
// (types, required fields, enums, formats). The schemas accept fields they do not know, as OpenAPI v2 does. Prints one
// line per problem and exits 1 when there is any, 0 otherwise. kubernetes-models 5.1.0 carries Kubernetes 1.34's schemas.
import { readFileSync } from "node:fs";

const MODULES = {
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
};

async function modelOf(apiVersion, kind) {
  const module = MODULES[apiVersion] ?? `kubernetes-models/${apiVersion}`;
  try {
    const models = await import(`${module}/${kind}`);
    return models[kind];
  } catch {
    return undefined;
  }
}

let problems = 0;
let checked = 0;
for (const file of process.argv.slice(2)) {
  const rendering = JSON.parse(readFileSync(file, "utf8"));
  for (const resource of rendering.manifests) {
    const where = `${rendering.name}: ${resource.kind} ${resource.metadata?.name}`;
    const Model = await modelOf(resource.apiVersion, resource.kind);
    if (!Model) {
      console.log(`${where}: no schema for ${resource.apiVersion} ${resource.kind}`);
      problems++;
      continue;
    }
    try {
      new Model(resource).validate();
      checked++;
    } catch (error) {
      console.log(`${where}: ${error.message}`);
      problems++;
    }
  }
}
console.log(`${checked} resources valid, ${problems} problems`);
process.exit(problems === 0 ? 0 : 1);
