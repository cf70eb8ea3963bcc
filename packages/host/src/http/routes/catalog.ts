import { activeProducts, catalogDecider, catalogStreamId, type ProductState } from '@ordo/domains';
import { Bodies, PathId, Views } from '../codecs';
import { notFound } from '../problem';
import { type AnyRoute, defineRoute, execute, expectedVersionOf, type RouteContext } from '../route-kit';

const productView = (state: ProductState) =>
  state.status === 'absent'
    ? undefined
    : { sku: state.sku, name: state.name, price: state.price, currency: state.currency, status: state.status };

const answerProduct = (state: ProductState, version: bigint | undefined, status = 200) => {
  const body = productView(state);
  if (body === undefined) throw notFound(`product`);
  return { status, body, ...(version === undefined ? {} : { etag: version }) };
};

/** The product's version a write is held to, from `If-Match`. */
const expectVersion = (context: RouteContext<unknown>, sku: string): Promise<bigint | undefined> =>
  expectedVersionOf(
    context.ifMatch,
    async () => (await context.reader.read(catalogDecider, catalogStreamId({ sku }))).version,
  );

const skuParam = { sku: PathId };
const product = { description: 'the product', view: Views.Product, etag: true } as const;

/** The catalog: the public listing and one product; admins add, re-price and discontinue products. */
export const catalogRoutes: ReadonlyArray<AnyRoute> = [
  defineRoute({
    method: 'GET',
    path: '/catalog',
    operationId: 'listCatalog',
    summary: 'Products on sale, by sku (as of the last projection step)',
    tag: 'catalog',
    access: 'public',
    responses: { 200: { description: 'the products on sale', view: Views.Catalog } },
    handle: async ({ host }) => ({ status: 200, body: { products: activeProducts(await host.catalog()) } }),
  }),
  defineRoute({
    method: 'GET',
    path: '/catalog/products/{sku}',
    operationId: 'getProduct',
    summary: 'One product, straight from its stream',
    tag: 'catalog',
    access: 'public',
    params: skuParam,
    responses: { 200: product },
    errors: [404],
    handle: async ({ reader, params }) => {
      const { state, version } = await reader.read(catalogDecider, catalogStreamId({ sku: params.sku ?? '' }));
      return answerProduct(state, version);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/catalog/products',
    operationId: 'addProduct',
    summary: 'Add a product (admin)',
    tag: 'catalog',
    access: 'admin',
    body: Bodies.AddProduct,
    idempotent: true,
    responses: { 201: { ...product, description: 'the product added', location: true } },
    errors: [409, 422],
    handle: async (context) => {
      const { sku, name, price, currency } = context.body;
      const done = await execute<ProductState>(context, {
        type: 'AddProduct',
        sku,
        name,
        price,
        currency,
        at: context.now,
      });
      return {
        ...answerProduct(done.state, done.version, 201),
        headers: { location: `/catalog/products/${encodeURIComponent(sku)}` },
      };
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/catalog/products/{sku}/price',
    operationId: 'changePrice',
    summary: 'Change the price of a product (admin); `currency`, when given, must be the product’s',
    tag: 'catalog',
    access: 'admin',
    params: skuParam,
    body: Bodies.ChangePrice,
    idempotent: true,
    ifMatch: true,
    responses: { 200: { ...product, description: 'the re-priced product' } },
    errors: [404, 409, 412, 422],
    handle: async (context) => {
      const sku = context.params.sku ?? '';
      const expected = await expectVersion(context, sku);
      const { price, currency } = context.body;
      const done = await execute<ProductState>(
        context,
        {
          type: 'ChangePrice',
          sku,
          price,
          ...(currency === undefined ? {} : { currency }),
          at: context.now,
        },
        expected,
      );
      return answerProduct(done.state, done.version);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/catalog/products/{sku}/discontinue',
    operationId: 'discontinueProduct',
    summary: 'Take a product off sale for good (admin)',
    tag: 'catalog',
    access: 'admin',
    params: skuParam,
    idempotent: true,
    ifMatch: true,
    responses: { 200: { ...product, description: 'the discontinued product' } },
    errors: [404, 409, 412],
    handle: async (context) => {
      const sku = context.params.sku ?? '';
      const expected = await expectVersion(context, sku);
      const done = await execute<ProductState>(context, { type: 'DiscontinueProduct', sku, at: context.now }, expected);
      return answerProduct(done.state, done.version);
    },
  }),
];
