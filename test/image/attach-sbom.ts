// Attaches an SBOM (CycloneDX JSON) to the image tagged <tag> in an OCI image layout, as an OCI 1.1
// artifact: a manifest of artifactType application/vnd.cyclonedx+json, the empty config, the SBOM
// as its one layer and the image manifest as its `subject`, listed in index.json without a tag.
// That is how `oras attach` stores it, and what `oras discover` / `regctl artifact list` find and
// `oras cp -r` / `regctl image copy --referrers` carry to a registry beside the image.
//
//   node test/image/attach-sbom.ts <layout> <tag> <sbom.cdx.json>
//
// (Run by test/image/build.sh with Node's type stripping; skopeo 1.9 copies images, not artifacts.)
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export const SBOM_MEDIA_TYPE = 'application/vnd.cyclonedx+json';
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
// image-spec 1.1 manifest.md, "Guidance for an Empty Descriptor": the two bytes `{}`.
const EMPTY = { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 };

function writeBlob(layout: string, data: Buffer): string {
  const hex = createHash('sha256').update(data).digest('hex');
  writeFileSync(join(layout, 'blobs', 'sha256', hex), data);
  return `sha256:${hex}`;
}

export function attachSbom(layout: string, tag: string, sbomPath: string): Descriptor {
  const indexPath = join(layout, 'index.json');
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as { manifests: Descriptor[] };
  const image = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (image === undefined) throw new Error(`no manifest tagged ${tag} in ${indexPath}`);
  const sbom = readFileSync(sbomPath);
  const bom = JSON.parse(sbom.toString('utf8')) as { bomFormat?: string; metadata?: { timestamp?: string } };
  if (bom.bomFormat !== 'CycloneDX') throw new Error(`${sbomPath} is not a CycloneDX SBOM`);
  writeBlob(layout, Buffer.from('{}'));
  const manifest = {
    schemaVersion: 2,
    mediaType: MANIFEST,
    artifactType: SBOM_MEDIA_TYPE,
    config: EMPTY,
    layers: [{ mediaType: SBOM_MEDIA_TYPE, digest: writeBlob(layout, sbom), size: sbom.length, annotations: { 'org.opencontainers.image.title': 'sbom.cdx.json' } }],
    subject: { mediaType: image.mediaType, digest: image.digest, size: image.size },
    annotations: { 'org.opencontainers.image.created': bom.metadata?.timestamp ?? new Date(0).toISOString() },
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const descriptor: Descriptor = { mediaType: MANIFEST, digest: writeBlob(layout, bytes), size: bytes.length, artifactType: SBOM_MEDIA_TYPE };
  index.manifests = [...index.manifests.filter((m) => m.artifactType !== SBOM_MEDIA_TYPE), descriptor];
  writeFileSync(indexPath, JSON.stringify(index));
  return descriptor;
}

if (import.meta.main) {
  const [layout, tag, sbom] = process.argv.slice(2);
  if (layout === undefined || tag === undefined || sbom === undefined) {
    process.stderr.write('usage: node attach-sbom.ts <layout> <tag> <sbom.cdx.json>\n');
    process.exit(2);
  }
  const d = attachSbom(layout, tag, sbom);
  process.stdout.write(`SBOM attached to ${layout}:${tag} as ${d.digest}\n`);
}
