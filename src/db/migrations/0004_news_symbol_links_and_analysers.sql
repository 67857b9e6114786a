CREATE TABLE "news_article_symbols" (
	"article_id" uuid NOT NULL,
	"symbol" varchar(16) NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	CONSTRAINT "news_article_symbols_article_id_symbol_pk" PRIMARY KEY("article_id","symbol")
);
--> statement-breakpoint
ALTER TABLE "news_articles" DROP CONSTRAINT "news_articles_symbol_stocks_symbol_fk";
--> statement-breakpoint
ALTER TABLE "sentiments" DROP CONSTRAINT "sentiments_symbol_stocks_symbol_fk";
--> statement-breakpoint
DROP INDEX "news_articles_symbol_url_key";--> statement-breakpoint
DROP INDEX "news_articles_symbol_published_at_idx";--> statement-breakpoint
DROP INDEX "sentiments_symbol_created_at_idx";--> statement-breakpoint
ALTER TABLE "sentiments" ALTER COLUMN "article_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "sentiments" ADD COLUMN "confidence" numeric(5, 4);--> statement-breakpoint
ALTER TABLE "sentiments" ADD COLUMN "analyser" varchar(32) NOT NULL;--> statement-breakpoint
ALTER TABLE "sentiments" ADD COLUMN "analyser_version" varchar(64) NOT NULL;--> statement-breakpoint
ALTER TABLE "news_article_symbols" ADD CONSTRAINT "news_article_symbols_article_id_news_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."news_articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "news_article_symbols" ADD CONSTRAINT "news_article_symbols_symbol_stocks_symbol_fk" FOREIGN KEY ("symbol") REFERENCES "public"."stocks"("symbol") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "news_article_symbols_symbol_published_at_idx" ON "news_article_symbols" USING btree ("symbol","published_at");--> statement-breakpoint
CREATE UNIQUE INDEX "news_articles_url_key" ON "news_articles" USING btree ("url");--> statement-breakpoint
CREATE INDEX "news_articles_published_at_idx" ON "news_articles" USING btree ("published_at");--> statement-breakpoint
ALTER TABLE "news_articles" DROP COLUMN "symbol";--> statement-breakpoint
ALTER TABLE "sentiments" DROP COLUMN "symbol";--> statement-breakpoint
ALTER TABLE "sentiments" DROP COLUMN "model";--> statement-breakpoint
ALTER TABLE "sentiments" ADD CONSTRAINT "sentiments_confidence_check" CHECK ("sentiments"."confidence" between 0 and 1);