#ifndef NAC_CNACMPI_SHIM_H
#define NAC_CNACMPI_SHIM_H
#include <mpi.h>

// Open MPI defines its predefined handles as macros over addresses of global objects
// (`#define MPI_COMM_WORLD OMPI_PREDEFINED_GLOBAL(MPI_Comm, ompi_mpi_comm_world)`), which Swift
// cannot import. These accessors return them as values.
static inline MPI_Comm nac_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype nac_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype nac_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype nac_mpi_int32(void) { return MPI_INT32_T; }
static inline MPI_Datatype nac_mpi_uint64(void) { return MPI_UINT64_T; }
static inline MPI_Datatype nac_mpi_char(void) { return MPI_CHAR; }
static inline MPI_Op nac_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op nac_mpi_max(void) { return MPI_MAX; }
static inline MPI_Op nac_mpi_min(void) { return MPI_MIN; }
static inline void *nac_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Errhandler nac_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline int nac_mpi_success(void) { return MPI_SUCCESS; }
static inline int nac_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline int nac_mpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }

#endif
