{{/*
Chart name, overridable with nameOverride. Kubernetes names are limited to 63 characters.
*/}}
{{- define "project-registry.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the release's resources: "<release>-<chart>", or the release name alone when it already contains the
chart name; fullnameOverride replaces it.
*/}}
{{- define "project-registry.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
"<chart>-<version>" for the helm.sh/chart label.
*/}}
{{- define "project-registry.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels: the stable subset that Deployment, Service, PDB and ServiceMonitor select pods by.
They must never change between upgrades (a Deployment's selector is immutable).
*/}}
{{- define "project-registry.selectorLabels" -}}
app.kubernetes.io/name: {{ include "project-registry.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Standard labels of every resource (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/).
*/}}
{{- define "project-registry.labels" -}}
helm.sh/chart: {{ include "project-registry.chart" . }}
{{ include "project-registry.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/component: api
app.kubernetes.io/part-of: codebase-mcp
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Name of the ServiceAccount.
*/}}
{{- define "project-registry.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "project-registry.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Secret holding the connection settings: the user's existing Secret, or the one this chart renders.
*/}}
{{- define "project-registry.secretName" -}}
{{- if .Values.database.existingSecret }}
{{- .Values.database.existingSecret }}
{{- else }}
{{- include "project-registry.fullname" . }}
{{- end }}
{{- end }}

{{/*
True (non-empty) when more than one pod may run at once: replicaCount > 1 or autoscaling on.
*/}}
{{- define "project-registry.multiReplica" -}}
{{- if or .Values.autoscaling.enabled (gt (int .Values.replicaCount) 1) }}true{{- end }}
{{- end }}

{{/*
Refuses to render a release that could not start: the image listens on the pod's address, where the service
refuses to run without API keys unless anonymous access is allowed explicitly. Failing here turns a crash-looping
first install into a clear message before anything is applied.
*/}}
{{- define "project-registry.requireKeys" -}}
{{- if not (or .Values.security.keys .Values.security.existingSecret .Values.security.allowAnonymous) }}
{{- fail `
security: no API key is configured, and the service refuses to start without one on the pod's network address.
Set one of:
  --set security.keys[0].name=ops --set security.keys[0].role=admin --set security.keys[0].key="$(openssl rand -hex 24)"
  --set security.existingSecret=<Secret holding REGISTRY_SECURITY_KEYS_0_NAME, _ROLE and _KEY>
  --set security.allowAnonymous=true   (only on a network you trust completely: every caller is an admin)
See docs/deployment.md#helm.` }}
{{- end }}
{{- end }}
