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
app.kubernetes.io/version: {{ include "project-registry.version" . | quote }}
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

{{/*
The version for the app.kubernetes.io/version label: image.tag without a digest ("0.2.0@sha256:..." -> "0.2.0"; a bare
digest -> the chart's appVersion), reduced to what a label value may hold (63 characters of [-A-Za-z0-9_.]).
*/}}
{{- define "project-registry.version" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion | toString }}
{{- $tag = regexReplaceAll "@.*$" $tag "" }}
{{- if or (hasPrefix "sha256:" $tag) (eq $tag "") }}
{{- $tag = .Chart.AppVersion }}
{{- end }}
{{- regexReplaceAll "[^-A-Za-z0-9_.]" $tag "_" | trunc 63 | trimAll "-_." }}
{{- end }}

{{/*
The image reference: repository:tag, repository@digest when image.tag is a bare digest (sha256:...), or
repository:tag@digest when it carries both.
*/}}
{{- define "project-registry.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion | toString }}
{{- if hasPrefix "sha256:" $tag }}
{{- printf "%s@%s" .Values.image.repository $tag }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/*
Name of the container port the probes and the ServiceMonitor use: "management" when managementPort moves the
Actuator off the API port, "http" otherwise.
*/}}
{{- define "project-registry.managementPortName" -}}
{{- if .Values.managementPort }}management{{ else }}http{{ end }}
{{- end }}

{{/*
Seconds between SIGTERM and SIGKILL: the preStop pause, Spring's graceful shutdown, and 10 s for the JVM to exit.
An explicit terminationGracePeriodSeconds must leave that much.
*/}}
{{- define "project-registry.terminationGracePeriodSeconds" -}}
{{- $needed := add (int .Values.shutdown.preStopSleepSeconds) (int .Values.shutdown.timeoutSeconds) 10 }}
{{- if .Values.terminationGracePeriodSeconds }}
{{- if lt (int .Values.terminationGracePeriodSeconds) (int $needed) }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must be at least shutdown.preStopSleepSeconds + shutdown.timeoutSeconds + 10 = %d, or Kubernetes kills pods with requests in flight" (int .Values.terminationGracePeriodSeconds) (int $needed)) }}
{{- end }}
{{- .Values.terminationGracePeriodSeconds }}
{{- else }}
{{- $needed }}
{{- end }}
{{- end }}

{{/*
Fails when a map of values repeats a key the chart sets itself: both would be rendered, and a YAML parser keeps
only one of them, silently. $ctx: dict with "values" (the user's map), "reserved" (list of keys), "what" (its name)
and "instead" (where to change it).
*/}}
{{- define "project-registry.noReservedKeys" -}}
{{- range $key, $_ := .values }}
{{- if has $key $.reserved }}
{{- fail (printf "%s must not set %s: the chart sets it (%s)" $.what $key $.instead) }}
{{- end }}
{{- end }}
{{- end }}
