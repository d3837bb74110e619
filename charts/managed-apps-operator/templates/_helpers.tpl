{{/* The full name of the objects: the release name when it contains the chart name. */}}
{{- define "mao.fullname" -}}
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

{{/* Labels of every object. */}}
{{- define "mao.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: managed-apps-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: managed-apps-operator
{{- end }}

{{/* Labels selecting the operator pods. */}}
{{- define "mao.selectorLabels" -}}
{{- include "mao.componentSelectorLabels" (list . "operator") }}
{{- end }}

{{/* Labels selecting one component's pods: (list $root "operator"|"webhook"). */}}
{{- define "mao.componentSelectorLabels" -}}
app.kubernetes.io/name: managed-apps-operator
app.kubernetes.io/instance: {{ (index . 0).Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{/* Labels selecting the pods that serve the webhook: the webhook's own with webhook.separate, else the operator's. */}}
{{- define "mao.webhookSelectorLabels" -}}
{{- include "mao.componentSelectorLabels" (list . (ternary "webhook" "operator" (and .Values.webhook.enabled .Values.webhook.separate))) }}
{{- end }}

{{/* The ServiceAccount of the operator. */}}
{{- define "mao.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "mao.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The image reference: repository@digest or repository:tag. */}}
{{- define "mao.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* Names shared by several templates. */}}
{{- define "mao.webhookServiceName" -}}{{ include "mao.fullname" . }}-webhook{{- end }}
{{- define "mao.webhookConfigurationName" -}}{{ include "mao.fullname" . }}{{- end }}
{{- define "mao.webhookSecretName" -}}{{ include "mao.fullname" . }}-webhook-tls{{- end }}
{{- define "mao.metricsServiceName" -}}{{ include "mao.fullname" . }}-metrics{{- end }}
{{- define "mao.leaseName" -}}{{ default (include "mao.fullname" .) .Values.leaderElection.leaseName }}{{- end }}

{{/*
Renames an object name of config/ for this release: "managed-apps-operator<suffix>" becomes
"<fullname><suffix>" (other names, such as the people roles managedapps-*, are kept).
Call with (list $name $context).
*/}}
{{- define "mao.rename" -}}
{{- $n := index . 0 }}
{{- $ctx := index . 1 }}
{{- if hasPrefix "managed-apps-operator" $n }}
{{- printf "%s%s" (include "mao.fullname" $ctx) (trimPrefix "managed-apps-operator" $n) }}
{{- else }}
{{- $n }}
{{- end }}
{{- end }}

{{/*
The webhooks' namespaceSelector (YAML, empty for every namespace): webhook.namespaceSelector when
given; else the watched namespaces, by name for watch.namespaces, as matchLabels for an
equality-based watch.namespaceSelector (`k=v[,k2=v2]`); any other selector needs
webhook.namespaceSelector, and the render fails saying so.
*/}}
{{- define "mao.webhookNamespaceSelector" -}}
{{- if .Values.webhook.namespaceSelector -}}
{{- toYaml .Values.webhook.namespaceSelector -}}
{{- else if .Values.watch.namespaces -}}
{{- toYaml (dict "matchExpressions" (list (dict "key" "kubernetes.io/metadata.name" "operator" "In" "values" .Values.watch.namespaces))) -}}
{{- else if .Values.watch.namespaceSelector -}}
{{- $labels := dict -}}
{{- range $part := splitList "," .Values.watch.namespaceSelector -}}
{{- $kv := regexFind "^\\s*[A-Za-z0-9./_-]+\\s*==?\\s*[A-Za-z0-9._-]*\\s*$" $part -}}
{{- if not $kv -}}
{{- fail (printf "watch.namespaceSelector %q is not only key=value terms: set webhook.namespaceSelector (a LabelSelector) to scope the webhooks to the same namespaces" $.Values.watch.namespaceSelector) -}}
{{- end -}}
{{- $pair := regexSplit "==?" $part 2 -}}
{{- $_ := set $labels (trim (index $pair 0)) (trim (index $pair 1)) -}}
{{- end -}}
{{- toYaml (dict "matchLabels" $labels) -}}
{{- end -}}
{{- end -}}
