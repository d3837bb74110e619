// Command kstatus prints the kstatus status (sigs.k8s.io/cli-utils/pkg/kstatus/status.Compute:
// InProgress, Failed, Current, Terminating, Unknown) of Kubernetes objects, the way Flux,
// `helm --wait` and kpt judge them. Built by test/controlplane/build-kstatus.sh for the tests.
//
//	kstatus [-o text|json] < objects.yaml
//	    objects as YAML (documents split by ---) or JSON (one or more values; a List's items
//	    count one by one) on stdin
//	kstatus [-o text|json] --kubeconfig FILE [-n NAMESPACE] RESOURCE...
//	    every object of each RESOURCE (<resource>.<group>, e.g. serviceunits.managedapps.dev,
//	    in its preferred version, or <group>/<version>/<resource>; <resource>[...]/<name> for one
//	    object), in NAMESPACE or, without -n, in all namespaces, read from the API server
//
// One line per object: "<status> <kind> <namespace>/<name>: <message>" (text), or one JSON object
// {"kind","namespace","name","status","message"} (json). Exit 0 when every object was judged
// (whatever its status), 1 on a bad input or an API error, 2 on a bad command line.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

type line struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	Message   string `json:"message"`
}

func main() {
	output := flag.String("o", "text", "output: text or json")
	kubeconfig := flag.String("kubeconfig", "", "read the RESOURCE arguments' objects from this cluster instead of stdin")
	namespace := flag.String("n", "", "with --kubeconfig: the namespace (default: all namespaces)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: kstatus [-o text|json] < objects\n       kstatus [-o text|json] --kubeconfig FILE [-n NAMESPACE] RESOURCE...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *output != "text" && *output != "json" {
		usage("-o must be text or json")
	}
	var objects []*unstructured.Unstructured
	var err error
	switch {
	case *kubeconfig == "" && flag.NArg() > 0:
		usage("RESOURCE arguments need --kubeconfig")
	case *kubeconfig != "" && flag.NArg() == 0:
		usage("--kubeconfig needs at least one RESOURCE")
	case *kubeconfig == "":
		objects, err = decode(os.Stdin)
	default:
		objects, err = fetch(*kubeconfig, *namespace, flag.Args())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "kstatus:", err)
		os.Exit(1)
	}
	out := json.NewEncoder(os.Stdout)
	for _, u := range objects {
		res, err := status.Compute(u)
		if err != nil {
			fmt.Fprintf(os.Stderr, "kstatus: %s %s/%s: %v\n", u.GetKind(), u.GetNamespace(), u.GetName(), err)
			os.Exit(1)
		}
		l := line{Kind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName(), Status: res.Status.String(), Message: res.Message}
		if *output == "json" {
			_ = out.Encode(l)
		} else {
			fmt.Printf("%s %s %s/%s: %s\n", l.Status, l.Kind, l.Namespace, l.Name, l.Message)
		}
	}
}

func usage(msg string) {
	fmt.Fprintln(os.Stderr, "kstatus:", msg)
	flag.Usage()
	os.Exit(2)
}

// decode reads YAML documents or JSON values; empty documents are skipped, Lists flattened.
// Numbers are read the way the API machinery reads them (integers as int64), which kstatus needs.
func decode(r io.Reader) ([]*unstructured.Unstructured, error) {
	d := utilyaml.NewYAMLOrJSONDecoder(r, 4096)
	var objects []*unstructured.Unstructured
	for {
		var raw json.RawMessage
		if err := d.Decode(&raw); errors.Is(err, io.EOF) {
			return objects, nil
		} else if err != nil {
			return nil, fmt.Errorf("reading objects: %w", err)
		}
		if len(raw) == 0 || string(raw) == "null" {
			continue
		}
		obj, err := runtime.Decode(unstructured.UnstructuredJSONScheme, raw)
		if err != nil {
			return nil, fmt.Errorf("reading objects: %w", err)
		}
		switch o := obj.(type) {
		case *unstructured.Unstructured:
			objects = append(objects, o)
		case *unstructured.UnstructuredList:
			for i := range o.Items {
				objects = append(objects, &o.Items[i])
			}
		default:
			return nil, fmt.Errorf("reading objects: unexpected %T", obj)
		}
	}
}

func fetch(kubeconfig, namespace string, resources []string) ([]*unstructured.Unstructured, error) {
	config, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, err
	}
	client, err := dynamic.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	disco, err := discovery.NewDiscoveryClientForConfig(config)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	var objects []*unstructured.Unstructured
	for _, arg := range resources {
		gvr, name, err := parseResource(disco, arg)
		if err != nil {
			return nil, err
		}
		ri := client.Resource(gvr).Namespace(namespace)
		if name != "" {
			u, err := ri.Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return nil, fmt.Errorf("%s: %w", arg, err)
			}
			objects = append(objects, u)
			continue
		}
		list, err := ri.List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", arg, err)
		}
		for i := range list.Items {
			// A list's items carry no kind on some servers: the list's kind without "List".
			if list.Items[i].GetKind() == "" {
				list.Items[i].SetKind(strings.TrimSuffix(list.GetKind(), "List"))
			}
			objects = append(objects, &list.Items[i])
		}
	}
	return objects, nil
}

// parseResource: <group>/<version>/<resource>[/<name>] as given, or <resource>.<group>[/<name>]
// (<resource> for the core group) in the version the server prefers.
func parseResource(disco discovery.DiscoveryInterface, arg string) (schema.GroupVersionResource, string, error) {
	parts := strings.Split(arg, "/")
	if len(parts) == 3 || len(parts) == 4 {
		gvr := schema.GroupVersionResource{Group: parts[0], Version: parts[1], Resource: parts[2]}
		if len(parts) == 4 {
			return gvr, parts[3], nil
		}
		return gvr, "", nil
	}
	if len(parts) > 2 || parts[0] == "" {
		return schema.GroupVersionResource{}, "", fmt.Errorf("%q: want <resource>.<group>[/<name>] or <group>/<version>/<resource>[/<name>]", arg)
	}
	name := ""
	if len(parts) == 2 {
		name = parts[1]
	}
	resource, group, _ := strings.Cut(parts[0], ".")
	groups, err := disco.ServerGroups()
	if err != nil {
		return schema.GroupVersionResource{}, "", err
	}
	for _, g := range groups.Groups {
		if g.Name == group {
			return schema.GroupVersionResource{Group: group, Version: g.PreferredVersion.Version, Resource: resource}, name, nil
		}
	}
	return schema.GroupVersionResource{}, "", fmt.Errorf("%q: the server has no API group %q", arg, group)
}
