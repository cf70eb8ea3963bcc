import * as t from 'io-ts';
import {
  Address,
  CatalogCommands,
  codePointsWithin,
  CustomerCommands,
  Identifier,
  InventoryCommands,
  OrderCommands,
  OrderLine,
  refine,
} from '@ordo/domains';

/** The fields `keys` of a `defineMessages` member codec, as an io-ts object codec named `name`. */
const fieldsOf = (member: t.Mixed, keys: ReadonlyArray<string>, name: string, extra: t.Props = {}): t.Mixed => {
  const props = (member as unknown as { readonly props?: t.Props }).props;
  if (props === undefined) throw new Error(`${member.name} is not an object codec`);
  const picked: Record<string, t.Mixed> = {};
  for (const key of keys) {
    const codec = props[key];
    if (codec === undefined) throw new Error(`${member.name} has no field '${key}'`);
    picked[key] = codec;
  }
  return t.type({ ...picked, ...extra }, name);
};

/** A customer's password as the HTTP edge takes it: 8 to 256 characters (code points). */
export const Password = refine(t.string, (s) => codePointsWithin(s, 8, 256), 'Password');

/** A password as `POST /auth/token` takes it: whatever was set, so 1 to 1024 characters (code points). */
export const LoginPassword = refine(t.string, (s) => codePointsWithin(s, 1, 1024), 'LoginPassword');

/** `optional` of the domains, for the HTTP edge's own optional fields. */
const optionalField = <C extends t.Mixed>(codec: C) =>
  new t.Type<t.TypeOf<C> | undefined, unknown, unknown>(
    codec.name,
    (u): u is t.TypeOf<C> | undefined => u === undefined || codec.is(u),
    (u, c) => (u === undefined ? t.success(undefined) : codec.validate(u, c)),
    (a) => a,
  );

/** Body of `POST /catalog/products`. */
export interface AddProductBody {
  readonly sku: string;
  readonly name: string;
  readonly price: number;
  readonly currency: string;
}
/** Body of `PUT /catalog/products/{sku}/price`. */
export interface ChangePriceBody {
  readonly price: number;
  readonly currency?: string;
}
/** Body of `POST /inventory/{sku}/receipts`. */
export interface ReceiveStockBody {
  readonly quantity: number;
}
/** Body of `POST /customers`. */
export interface RegisterBody {
  readonly email: string;
  readonly password: string;
  readonly customerId?: string;
}
/** Body of `POST /auth/token`. */
export interface TokenBody {
  readonly email: string;
  readonly password: string;
}
/** Body of `PUT /customers/me/password`. */
export interface ChangePasswordBody {
  readonly currentPassword: string;
  readonly newPassword: string;
}
/** Body of `PUT /customers/{customerId}/password` (an admin's reset). */
export interface ResetPasswordBody {
  readonly newPassword: string;
}
/** Body of `POST /orders`. */
export interface PlaceOrderBody {
  readonly orderId?: string;
  readonly lines: ReadonlyArray<OrderLine>;
  readonly currency: string;
  readonly shippingAddress: Address;
}
/** Body of `POST /orders/{orderId}/cancel`. */
export interface CancelOrderBody {
  readonly reason: string;
}

const as = <A>(codec: t.Mixed): t.Type<A, unknown, unknown> => codec as unknown as t.Type<A, unknown, unknown>;

/**
 * Request bodies, each made of its domain command's field codecs (the server adds `type`, `at`
 * and what the caller's token or the path says), so the HTTP edge checks exactly what the
 * domain checks, with the same field names in its errors.
 */
export const Bodies = {
  AddProduct: as<AddProductBody>(
    fieldsOf(CatalogCommands.codecs.AddProduct, ['sku', 'name', 'price', 'currency'], 'AddProductBody'),
  ),
  ChangePrice: as<ChangePriceBody>(
    fieldsOf(CatalogCommands.codecs.ChangePrice, ['price', 'currency'], 'ChangePriceBody'),
  ),
  ReceiveStock: as<ReceiveStockBody>(fieldsOf(InventoryCommands.codecs.ReceiveStock, ['quantity'], 'ReceiveStockBody')),
  Register: as<RegisterBody>(
    fieldsOf(CustomerCommands.codecs.RegisterCustomer, ['email'], 'RegisterBody', {
      password: Password,
      customerId: optionalField(Identifier),
    }),
  ),
  Token: as<TokenBody>(
    fieldsOf(CustomerCommands.codecs.RegisterCustomer, ['email'], 'TokenBody', { password: LoginPassword }),
  ),
  ChangePassword: as<ChangePasswordBody>(
    t.type({ currentPassword: LoginPassword, newPassword: Password }, 'ChangePasswordBody'),
  ),
  ResetPassword: as<ResetPasswordBody>(t.type({ newPassword: Password }, 'ResetPasswordBody')),
  PlaceOrder: as<PlaceOrderBody>(
    fieldsOf(OrderCommands.codecs.PlaceOrder, ['lines', 'currency', 'shippingAddress'], 'PlaceOrderBody', {
      orderId: optionalField(Identifier),
    }),
  ),
  CancelOrder: as<CancelOrderBody>(fieldsOf(OrderCommands.codecs.CancelOrder, ['reason'], 'CancelOrderBody')),
} as const;

/**
 * A path parameter naming an order, payment, shipment or product: an `Identifier` without `%`
 * (percent-encoding in a path is ambiguous for clients; such ids stay reachable only in bodies).
 */
export const PathId = refine(t.string, (s) => /^[!-$&-~]{1,128}$/.test(s), 'PathId');

const optionalProps = <R extends t.Props, O extends t.Props>(required: R, optional: O, name: string) =>
  t.intersection([t.type(required), t.partial(optional)], name);

const orderStatus = t.keyof({
  placed: null,
  confirmed: null,
  paid: null,
  shipped: null,
  completed: null,
  cancelled: null,
});

/** Responses, as io-ts codecs: the OpenAPI document describes them through the same converter. */
export const Views = {
  Order: optionalProps(
    {
      orderId: t.string,
      customerId: t.string,
      status: orderStatus,
      lines: t.readonlyArray(OrderLine),
      total: t.Int,
      currency: t.string,
      shippingAddress: Address,
    },
    { paymentId: t.string, shipmentId: t.string, cancelReason: t.string },
    'Order',
  ),
  OrderList: t.type(
    {
      orders: t.readonlyArray(
        t.type({
          orderId: t.string,
          status: orderStatus,
          total: t.Int,
          currency: t.string,
          placedAt: t.string,
          updatedAt: t.string,
        }),
      ),
    },
    'OrderList',
  ),
  Product: t.type(
    {
      sku: t.string,
      name: t.string,
      price: t.Int,
      currency: t.string,
      status: t.keyof({ active: null, discontinued: null }),
    },
    'Product',
  ),
  Catalog: t.type(
    {
      products: t.readonlyArray(
        t.type({
          sku: t.string,
          name: t.string,
          price: t.Int,
          currency: t.string,
          status: t.keyof({ active: null, discontinued: null }),
          updatedAt: t.string,
        }),
      ),
    },
    'Catalog',
  ),
  StockLevels: t.record(
    t.string,
    t.type({ received: t.Int, available: t.Int, reserved: t.Int, shipped: t.Int }),
    'StockLevels',
  ),
  Customer: t.type({ customerId: t.string, email: t.string, emailVerified: t.boolean }, 'Customer'),
  Token: t.type(
    {
      access_token: t.string,
      token_type: t.literal('Bearer'),
      expires_in: t.Int,
      role: t.keyof({ customer: null, admin: null }),
      sub: t.string,
    },
    'Token',
  ),
  Payment: optionalProps(
    {
      paymentId: t.string,
      orderId: t.string,
      status: t.keyof({ authorized: null, voided: null, declined: null }),
    },
    { currency: t.string, authorized: t.Int, captured: t.Int, refunded: t.Int, reason: t.string },
    'Payment',
  ),
  Shipment: optionalProps(
    {
      shipmentId: t.string,
      orderId: t.string,
      status: t.keyof({ created: null, dispatched: null, delivered: null, failed: null, cancelled: null }),
      lines: t.readonlyArray(t.type({ sku: t.string, quantity: t.Int })),
      address: Address,
    },
    { dispatchedAt: t.string, failureReason: t.string },
    'Shipment',
  ),
  Revenue: t.type(
    {
      byDay: t.record(
        t.string,
        t.record(t.string, t.type({ gross: t.Int, refunded: t.Int, net: t.Int, orders: t.Int })),
      ),
      bySku: t.record(t.string, t.record(t.string, t.type({ quantity: t.Int, revenue: t.Int }))),
    },
    'Revenue',
  ),
  Funnel: t.type(
    {
      placed: t.Int,
      confirmed: t.Int,
      paid: t.Int,
      shipped: t.Int,
      completed: t.Int,
      cancelled: t.Int,
      cancellationReasons: t.record(t.string, t.Int),
    },
    'Funnel',
  ),
  Live: t.type({ live: t.boolean }, 'Live'),
  Health: t.type(
    {
      live: t.boolean,
      ready: t.boolean,
      reasons: t.readonlyArray(t.string),
      roles: t.readonlyArray(t.string),
      outboxPending: t.number,
    },
    'Health',
  ),
  Problem: optionalProps(
    { type: t.string, title: t.string, status: t.Int },
    {
      detail: t.string,
      instance: t.string,
      code: t.string,
      errors: t.readonlyArray(optionalProps({ path: t.string, expected: t.string }, { actual: t.unknown }, 'Issue')),
    },
    'Problem',
  ),
} as const;
