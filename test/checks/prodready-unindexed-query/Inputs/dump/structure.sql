--
-- PostgreSQL database dump
--
\restrict kQ2p9
SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SELECT pg_catalog.set_config('search_path', '', false);

CREATE TABLE public.invoices (
    id bigint NOT NULL,
    customer_id bigint NOT NULL,
    number character varying(32) NOT NULL,
    issued_on date
);

CREATE SEQUENCE public.invoices_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
ALTER TABLE ONLY public.invoices ADD CONSTRAINT invoices_pkey PRIMARY KEY (id);
CREATE INDEX index_invoices_on_lower_number ON public.invoices USING btree (lower((number)::text));
\unrestrict kQ2p9
