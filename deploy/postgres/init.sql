-- Run once by the postgres image on an empty volume (docker-compose.yml): the ERP's, billing's and
-- the logistics subgraph's (events) databases and the gateways' shared usage log. Each subgraph migrates its own schema at start.
CREATE DATABASE bizgraph_erp;
CREATE DATABASE bizgraph_billing;
CREATE DATABASE bizgraph_logistics;
CREATE DATABASE bizgraph_usage;
