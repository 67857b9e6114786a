CREATE TABLE "saved_screens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"name" varchar(100) NOT NULL,
	"where_expression" text NOT NULL,
	"sort" varchar(64),
	"result_limit" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "technical_indicators" ADD COLUMN "stoch_k" numeric(24, 8);--> statement-breakpoint
ALTER TABLE "technical_indicators" ADD COLUMN "stoch_d" numeric(24, 8);--> statement-breakpoint
ALTER TABLE "technical_indicators" ADD COLUMN "adx_14" numeric(24, 8);--> statement-breakpoint
ALTER TABLE "technical_indicators" ADD COLUMN "cci_20" numeric(24, 8);--> statement-breakpoint
ALTER TABLE "technical_indicators" ADD COLUMN "mfi_14" numeric(24, 8);--> statement-breakpoint
ALTER TABLE "technical_indicators" ADD COLUMN "williams_r_14" numeric(24, 8);--> statement-breakpoint
ALTER TABLE "technical_indicators" ADD COLUMN "close" numeric(18, 6);--> statement-breakpoint
ALTER TABLE "saved_screens" ADD CONSTRAINT "saved_screens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "saved_screens_user_name_key" ON "saved_screens" USING btree ("user_id","name");