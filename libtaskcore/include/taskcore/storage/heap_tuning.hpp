// The process-wide allocator setting that keeps SQLite writes off the kernel's page-fault path;
// a host (taskcore-server, or any service writing SQLite from several threads) calls it once.
#pragma once

namespace taskcore::storage {

// Lets each thread's heap keep kHeapTrimThreshold of free memory at its top before handing it
// back to the kernel (glibc; a no-op elsewhere). Process-wide, so the host decides: the library
// never calls it by itself.
void keep_heap_tops();

}  // namespace taskcore::storage
