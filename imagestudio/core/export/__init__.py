"""Images out of the library: converted files, file-name templates and ZIP archives."""
