// The library as the package "pgwasm" (build.sh passes --path packages): import from "pgwasm".
export * from "../../assembly/pgwasm";
