// Placeholder for async and batch sections.
export async function extraSection() {}
