// The linear invocation index of a dispatch that the host may fold into two dimensions
// (engine/graph.ts linearGrid) when one would exceed maxComputeWorkgroupsPerDimension.
fn linear_index(gid: vec3u, groups: vec3u, workgroup_size: u32) -> u32 {
  return gid.x + gid.y * groups.x * workgroup_size;
}
