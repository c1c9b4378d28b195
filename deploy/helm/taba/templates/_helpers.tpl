{{/* The chart's name: "taba" unless nameOverride says otherwise. */}}
{{- define "taba.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The prefix of every object's name: the release name when it contains the chart's name
(`helm install taba` gives taba-gateway, taba-config, … as deploy/k8s does), else
<release>-<chart>. At most 30 characters: a StatefulSet's name (this plus
"-redis-sentinel") must leave room for its pods' controller-revision-hash label (63).
*/}}
{{- define "taba.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 30 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 30 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 30 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Selector labels; called with (dict "root" $ "component" "<component>"). */}}
{{- define "taba.selectorLabels" -}}
app.kubernetes.io/name: {{ include "taba.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Every object's labels; called with (dict "root" $ "component" "<component>"). */}}
{{- define "taba.labels" -}}
{{ include "taba.selectorLabels" . }}
app.kubernetes.io/part-of: taba
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* The services' image. */}}
{{- define "taba.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The Sentinels' host names (<pod>.<headless service>), separated by spaces. */}}
{{- define "taba.sentinelHosts" -}}
{{- $fullname := include "taba.fullname" . -}}
{{- $hosts := list -}}
{{- range $i := until (int .Values.redis.sentinel.sentinels) -}}
{{- $hosts = append $hosts (printf "%s-redis-sentinel-%d.%s-redis-sentinel" $fullname $i $fullname) -}}
{{- end -}}
{{- join " " $hosts -}}
{{- end -}}

{{/*
The Secret with the Redis password (key `password`): redis.auth.secretName, else, when the chart
runs Redis (sentinel mode), <fullname>-redis-auth; empty when the services use no password.
*/}}
{{- define "taba.redisAuthSecret" -}}
{{- if .Values.redis.auth.secretName -}}
{{- .Values.redis.auth.secretName -}}
{{- else if eq .Values.redis.mode "sentinel" -}}
{{- printf "%s-redis-auth" (include "taba.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* TABA_REDIS_SHARDS for the chosen redis.mode (grammar: docs/configuration.md). */}}
{{- define "taba.redisShards" -}}
{{- if eq .Values.redis.mode "sentinel" -}}
{{- $sentinels := list -}}
{{- range $host := splitList " " (include "taba.sentinelHosts" .) -}}
{{- $sentinels = append $sentinels (printf "%s:26379" $host) -}}
{{- end -}}
{{- $urls := list -}}
{{- range $n := until (int .Values.redis.sentinel.shards) -}}
{{- $urls = append $urls (printf "redis+sentinel://%s/shard-%d" (join "," $sentinels) $n) -}}
{{- end -}}
{{- join ";" $urls -}}
{{- else if eq .Values.redis.mode "cluster" -}}
{{- if not .Values.redis.cluster.seeds -}}
{{- fail "redis.mode cluster needs redis.cluster.seeds" -}}
{{- end -}}
{{- printf "redis+cluster://%s" (join "," .Values.redis.cluster.seeds) -}}
{{- else -}}
{{- if not .Values.redis.external.shards -}}
{{- fail "redis.mode external needs redis.external.shards" -}}
{{- end -}}
{{- join ";" .Values.redis.external.shards -}}
{{- end -}}
{{- end -}}

{{/*
One Taba service: ServiceAccount, Deployment, Service and PodDisruptionBudget. Called with
(dict "root" $ "component" "<service>" "port" <gRPC port> "values" .Values.<service>).
The gateway also listens for REST on 8300.
*/}}
{{- define "taba.service" -}}
{{- $root := .root -}}
{{- $component := .component -}}
{{- $port := .port -}}
{{- $values := .values -}}
{{- $fullname := include "taba.fullname" $root -}}
{{- $ctx := dict "root" $root "component" $component -}}
{{- $gateway := eq $component "gateway" -}}
{{- $redisAuth := and (not $gateway) (include "taba.redisAuthSecret" $root) -}}
{{- /* GET /metrics: the gateway on its REST port, the others on their own (docs/observability.md). */ -}}
{{- $metricsPort := index (dict "gateway" 8300 "ingest" 9465 "aggregator" 9466 "query" 9467) $component -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ $fullname }}-{{ $component }}
  labels:
    {{- include "taba.labels" $ctx | nindent 4 }}
# The services never call the Kubernetes API.
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $fullname }}-{{ $component }}
  labels:
    {{- include "taba.labels" $ctx | nindent 4 }}
spec:
  replicas: {{ int $values.replicas }}
  revisionHistoryLimit: 5
  {{- if $values.minReadySeconds }}
  minReadySeconds: {{ int $values.minReadySeconds }}
  {{- end }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  selector:
    matchLabels:
      {{- include "taba.selectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "taba.labels" $ctx | nindent 8 }}
      annotations:
        # Pods restart when the shared configuration changes.
        checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $metricsPort | quote }}
        prometheus.io/path: /metrics
    spec:
      serviceAccountName: {{ $fullname }}-{{ $component }}
      automountServiceAccountToken: false
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      # Above TABA_SHUTDOWN_GRACE_MS plus Consul deregistration (and the gateway's preStop pause).
      terminationGracePeriodSeconds: {{ int $root.Values.terminationGracePeriodSeconds }}
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        # Mounted Secrets (mode 0440) are readable by the group.
        fsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: {{ $component }}
          image: {{ include "taba.image" $root | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          command: ["node", "services/{{ $component }}/dist/main.js"]
          ports:
            - name: grpc
              containerPort: {{ $port }}
              protocol: TCP
            {{- if $gateway }}
            - name: rest
              containerPort: 8300
              protocol: TCP
            {{- else }}
            - name: metrics
              containerPort: {{ $metricsPort }}
              protocol: TCP
            {{- end }}
          envFrom:
            - configMapRef:
                name: {{ $fullname }}-config
          env:
            - name: POD_IP
              valueFrom:
                fieldRef:
                  fieldPath: status.podIP
            - name: HOST_IP
              valueFrom:
                fieldRef:
                  fieldPath: status.hostIP
            # Unique per pod; what status and Consul call this instance.
            - name: TABA_INSTANCE_ID
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: TABA_GRPC_ADDRESS
              value: 0.0.0.0:{{ $port }}
            {{- if $gateway }}
            - name: TABA_REST_ADDRESS
              value: 0.0.0.0:8300
            {{- else }}
            - name: TABA_METRICS_ADDRESS
              value: 0.0.0.0:{{ $metricsPort }}
            {{- end }}
            # Listening on 0.0.0.0, the instance must tell Consul an address its peers can dial.
            - name: TABA_ADVERTISE_ADDRESS
              value: $(POD_IP):{{ $port }}
            {{- if $root.Values.consul.hostAgent }}
            # Consul's agent API is per agent: the Consul client agent of the pod's node. This
            # overrides TABA_CONSUL_URL of the ConfigMap (env wins over envFrom).
            - name: TABA_CONSUL_URL
              value: http://$(HOST_IP):{{ int $root.Values.consul.agentPort }}
            {{- end }}
            {{- if $root.Values.auth.internalTokenSecret }}
            # The cluster's internal token: the internal services take calls only with it.
            - name: TABA_INTERNAL_TOKEN_FILE
              value: /etc/taba/internal/token
            {{- end }}
            {{- if $gateway }}
            - name: TABA_AUTH
              value: {{ $root.Values.auth.mode }}
            {{- if eq $root.Values.auth.mode "required" }}
            - name: TABA_AUTH_TOKENS_FILE
              value: /etc/taba/auth/tokens.yaml
            {{- end }}
            {{- end }}
          # grpc.health.v1.Health turns SERVING once the port is bound, NOT_SERVING on SIGTERM.
          startupProbe:
            grpc:
              port: {{ $port }}
            periodSeconds: 2
            failureThreshold: 30
          readinessProbe:
            grpc:
              port: {{ $port }}
            periodSeconds: 5
            failureThreshold: 2
          livenessProbe:
            grpc:
              port: {{ $port }}
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          {{- if $gateway }}
          # Let kube-proxy stop sending new connections here before the process drains.
          lifecycle:
            preStop:
              exec:
                command: ["sleep", "3"]
          {{- end }}
          {{- with $values.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          securityContext:
            runAsNonRoot: true
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if $root.Values.auth.internalTokenSecret }}
            - name: internal-token
              mountPath: /etc/taba/internal
              readOnly: true
            {{- end }}
            {{- if and $gateway (eq $root.Values.auth.mode "required") }}
            - name: auth-tokens
              mountPath: /etc/taba/auth
              readOnly: true
            {{- end }}
            {{- if $redisAuth }}
            # The Redis password (TABA_REDIS_PASSWORD_FILE in the ConfigMap names the file).
            - name: redis-auth
              mountPath: /etc/taba/redis
              readOnly: true
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
        {{- if $root.Values.auth.internalTokenSecret }}
        - name: internal-token
          secret:
            secretName: {{ $root.Values.auth.internalTokenSecret }}
        {{- end }}
        {{- if and $gateway (eq $root.Values.auth.mode "required") }}
        - name: auth-tokens
          secret:
            secretName: {{ $root.Values.auth.tokensSecret }}
        {{- end }}
        {{- if $redisAuth }}
        - name: redis-auth
          secret:
            secretName: {{ $redisAuth }}
            defaultMode: 288 # 0o440: read by the owner and the group
        {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $fullname }}-{{ $component }}
  labels:
    {{- include "taba.labels" $ctx | nindent 4 }}
  {{- if $gateway }}
  {{- with $values.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- end }}
spec:
  type: {{ if $gateway }}{{ $values.service.type }}{{ else }}ClusterIP{{ end }}
  selector:
    {{- include "taba.selectorLabels" $ctx | nindent 4 }}
  ports:
    - name: grpc
      port: {{ $port }}
      targetPort: grpc
      protocol: TCP
    {{- if $gateway }}
    - name: rest
      port: 8300
      targetPort: rest
      protocol: TCP
    {{- end }}
{{- if $values.pdb.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $fullname }}-{{ $component }}
  labels:
    {{- include "taba.labels" $ctx | nindent 4 }}
spec:
  maxUnavailable: {{ int $values.pdb.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "taba.selectorLabels" $ctx | nindent 6 }}
{{- end }}
{{- end -}}
