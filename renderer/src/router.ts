// Hash history: the same build works from the headless server and from Electron's file:// origin.
import { createRouter, createWebHashHistory, type Router } from 'vue-router';
import AuditView from './views/AuditView.vue';
import CertificatesView from './views/CertificatesView.vue';
import BlockView from './views/BlockView.vue';
import ChaincodeView from './views/ChaincodeView.vue';
import ChannelUpdatesView from './views/ChannelUpdatesView.vue';
import ChannelView from './views/ChannelView.vue';
import ClaimView from './views/ClaimView.vue';
import DashboardsView from './views/DashboardsView.vue';
import IdentitiesView from './views/IdentitiesView.vue';
import LedgerView from './views/LedgerView.vue';
import NodesView from './views/NodesView.vue';
import OverviewView from './views/OverviewView.vue';
import TransactionView from './views/TransactionView.vue';
import WizardView from './views/WizardView.vue';

export function createConsoleRouter(): Router {
  return createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: '/', name: 'overview', component: OverviewView },
      { path: '/welcome', name: 'welcome', component: WizardView },
      { path: '/nodes/:nodeId?', name: 'nodes', component: NodesView },
      { path: '/identities', name: 'identities', component: IdentitiesView },
      { path: '/certificates', name: 'certificates', component: CertificatesView },
      { path: '/channel', name: 'channel', component: ChannelView },
      { path: '/channel-updates', name: 'channel-updates', component: ChannelUpdatesView },
      { path: '/chaincode', name: 'chaincode', component: ChaincodeView },
      { path: '/dashboards', name: 'dashboards', component: DashboardsView },
      { path: '/ledger', name: 'ledger', component: LedgerView },
      { path: '/ledger/block/:number(\\d+)', name: 'ledger-block', component: BlockView },
      { path: '/ledger/tx/:txId', name: 'ledger-tx', component: TransactionView },
      { path: '/ledger/claim/:claimId', name: 'ledger-claim', component: ClaimView },
      { path: '/audit', name: 'audit', component: AuditView },
      { path: '/:unknown(.*)*', redirect: '/' },
    ],
  });
}
