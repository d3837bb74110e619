// Pinned tools module: the Grafana dashboard checker of the tests (build-grafana.sh), main.go
// here on the Grafana Foundation SDK (Grafana's schema as Go types, generated from its CUE kinds).
module managedapps.dev/test/controlplane/tools/grafana

go 1.26.0

godebug default=go1.26

require github.com/grafana/grafana-foundation-sdk/go v0.0.22
